package io.modelship.runtime.inference;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: {@code PREFIX-SEQUENCE-OUTCOME}, where the prefix names this process, the sequence
 * grows with every predicted row, and the outcome is the predicted class index or, for a regressor,
 * {@code v} and the bits of the predicted value — so any replica behind the Service can score
 * feedback for an id, even one it did not make.
 */
final class RequestIds {

    /** A parsed id: whether this process made it, its sequence, and the prediction it carries. */
    record Parsed(boolean local, long sequence, int predictedClass, double predictedValue) {}

    private final String prefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong next = new AtomicLong();

    long nextSequence() {
        return next.incrementAndGet();
    }

    String forClass(long sequence, int classIndex) {
        return prefix + '-' + Long.toHexString(sequence) + '-' + classIndex;
    }

    String forValue(long sequence, double value) {
        return prefix + '-' + Long.toHexString(sequence) + "-v" + Long.toHexString(Double.doubleToLongBits(value));
    }

    /** The id's parts, or null when it cannot be one of ours (any replica's). */
    Parsed parse(String id, int classes) {
        String[] parts = id.split("-");
        if (parts.length != 3 || parts[0].length() != prefix.length()) {
            return null;
        }
        try {
            long sequence = Long.parseUnsignedLong(parts[1], 16);
            if (sequence < 0) {
                return null;
            }
            boolean local = parts[0].equals(prefix);
            if (parts[2].startsWith("v")) {
                double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[2].substring(1), 16));
                return Double.isFinite(value) ? new Parsed(local, sequence, -1, value) : null;
            }
            int predicted = Integer.parseInt(parts[2]);
            return predicted >= 0 && predicted < classes ? new Parsed(local, sequence, predicted, Double.NaN) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
