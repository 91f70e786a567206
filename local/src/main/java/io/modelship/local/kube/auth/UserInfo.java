package io.modelship.local.kube.auth;

import java.util.List;

/** Who made a request, as kube-apiserver's authenticators name them: a user name and its groups. */
public record UserInfo(String name, List<String> groups) {

  public static final String MASTERS = "system:masters";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final UserInfo ANONYMOUS =
      new UserInfo("system:anonymous", List.of(UNAUTHENTICATED));

  public UserInfo {
    groups = List.copyOf(groups);
  }

  /** A ServiceAccount's user, with the groups the ServiceAccount token authenticator gives it. */
  public static UserInfo serviceAccount(String namespace, String name) {
    return new UserInfo(
        "system:serviceaccount:" + namespace + ":" + name,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, AUTHENTICATED));
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
