package io.modelship.runtime.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rolling accuracy of live predictions from ground truth sent back later by request id, with an
 * alert when it moves too far from the training accuracy. Memory is bounded by its two capacities.
 */
public final class AccuracyTracker {

    public static final double DEFAULT_MAX_DROP = 0.05;
    public static final int DEFAULT_REMEMBERED_PREDICTIONS = 10_000;
    public static final int DEFAULT_WINDOW_SIZE = 1000;

    private final double trainingAccuracy;
    private final double maxDrop;
    private final int windowSize;

    private final Object lock = new Object();
    private final Map<String, RememberedPrediction> remembered;
    /** Ring of the window's feedback outcomes, true for a correct prediction. */
    private final boolean[] outcomes;
    private int nextOutcome;
    private int windowCount;
    private int correctInWindow;
    private long totalFeedback;
    private long totalCorrect;
    private long unknownFeedback;
    private long duplicateFeedback;

    /** A tracker with the default limits: alert beyond a drop of 0.05, 10,000 remembered predictions, window of 1000. */
    public AccuracyTracker(double trainingAccuracy) {
        this(trainingAccuracy, DEFAULT_MAX_DROP, DEFAULT_REMEMBERED_PREDICTIONS, DEFAULT_WINDOW_SIZE);
    }

    /**
     * @param trainingAccuracy      holdout accuracy A0 in [0, 1], or NaN when the package does not have one
     * @param maxDrop               how far the rolling accuracy may move from A0 before alerting
     * @param rememberedPredictions how many recent predictions can still receive feedback
     * @param windowSize            how many of the latest feedbacks the rolling accuracy covers
     */
    public AccuracyTracker(double trainingAccuracy, double maxDrop, int rememberedPredictions, int windowSize) {
        if (!Double.isNaN(trainingAccuracy) && !(trainingAccuracy >= 0 && trainingAccuracy <= 1)) {
            throw new IllegalArgumentException("training accuracy must be in [0, 1] or NaN, got " + trainingAccuracy);
        }
        if (!(maxDrop >= 0) || !Double.isFinite(maxDrop)) {
            throw new IllegalArgumentException("maxDrop must be a finite non-negative number, got " + maxDrop);
        }
        if (rememberedPredictions < 1) {
            throw new IllegalArgumentException("rememberedPredictions must be at least 1, got " + rememberedPredictions);
        }
        if (windowSize < 1) {
            throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
        }
        this.trainingAccuracy = trainingAccuracy;
        this.maxDrop = maxDrop;
        this.windowSize = windowSize;
        this.outcomes = new boolean[windowSize];
        // Insertion order, not access order: the oldest prediction goes first, whether or not it got feedback.
        this.remembered = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RememberedPrediction> eldest) {
                return size() > rememberedPredictions;
            }
        };
    }

    /** Remembers what was predicted for a request so that later feedback can be scored. */
    public void remember(String requestId, String predictedLabel) {
        requirePresent(requestId, "requestId");
        requirePresent(predictedLabel, "predictedLabel");
        synchronized (lock) {
            // A re-used id starts afresh as the newest entry.
            remembered.remove(requestId);
            remembered.put(requestId, new RememberedPrediction(predictedLabel));
        }
    }

    /** Scores the true label of an earlier request; unknown and repeated ids change no statistics. */
    public FeedbackResult feedback(String requestId, String trueLabel) {
        requirePresent(requestId, "requestId");
        requirePresent(trueLabel, "trueLabel");
        synchronized (lock) {
            var prediction = remembered.get(requestId);
            if (prediction == null) {
                unknownFeedback++;
                return FeedbackResult.unknownRequest();
            }
            if (prediction.answered) {
                duplicateFeedback++;
                return FeedbackResult.duplicate(prediction.label);
            }
            prediction.answered = true;
            boolean correct = prediction.label.equals(trueLabel);
            addOutcome(correct);
            return FeedbackResult.recorded(prediction.label, correct);
        }
    }

    /** The rolling accuracy and how it compares with training. */
    public AccuracySnapshot snapshot() {
        int count;
        int correct;
        long total;
        long totalRight;
        long unknown;
        long duplicates;
        synchronized (lock) {
            count = windowCount;
            correct = correctInWindow;
            total = totalFeedback;
            totalRight = totalCorrect;
            unknown = unknownFeedback;
            duplicates = duplicateFeedback;
        }
        Double accuracy = count == 0 ? null : (double) correct / count;
        Double training = Double.isNaN(trainingAccuracy) ? null : trainingAccuracy;
        Double drop = accuracy == null || training == null ? null : training - accuracy;
        boolean alert = drop != null && Math.abs(drop) > maxDrop;
        return new AccuracySnapshot(count, accuracy, training, drop, maxDrop, alert, total, totalRight, unknown,
                duplicates);
    }

    public int windowSize() {
        return windowSize;
    }

    private void addOutcome(boolean correct) {
        if (windowCount == windowSize) {
            if (outcomes[nextOutcome]) {
                correctInWindow--;
            }
        } else {
            windowCount++;
        }
        outcomes[nextOutcome] = correct;
        if (correct) {
            correctInWindow++;
            totalCorrect++;
        }
        totalFeedback++;
        nextOutcome = nextOutcome + 1 == windowSize ? 0 : nextOutcome + 1;
    }

    private static void requirePresent(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /** Mutable only under the tracker's lock. */
    private static final class RememberedPrediction {
        private final String label;
        private boolean answered;

        private RememberedPrediction(String label) {
            this.label = label;
        }
    }
}
