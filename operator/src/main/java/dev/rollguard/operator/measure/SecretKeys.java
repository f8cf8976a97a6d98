package dev.rollguard.operator.measure;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One GET of a Secret's key, for the bearer tokens of Prometheus and the URLs and tokens of
 * notification targets: the operator may read exactly the Secrets the chart lists, never list or
 * watch Secrets. Failures name the Secret and key, never a value; an API server that does not
 * answer is an exception, which {@link TokenCache} words and asks again about.
 */
public final class SecretKeys {

  private SecretKeys() {}

  /**
   * @param shownAs how messages name the Secret ("prom-token", "rollguard-system/slack")
   * @param grantedBy where an operator is given read access to it, for the 403 message
   */
  public static TokenCache.Result read(
      KubernetesClient client, TokenCache.Key key, String shownAs, String grantedBy) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(key.namespace()).withName(key.name()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return new TokenCache.Failure(
            "Secret "
                + shownAs
                + " may not be read by the operator (403): list it in "
                + grantedBy);
      }
      throw e;
    }
    if (secret == null) {
      return new TokenCache.Failure("Secret " + shownAs + " not found");
    }
    String encoded = secret.getData() != null ? secret.getData().get(key.key()) : null;
    if (encoded == null) {
      return new TokenCache.Failure("Secret " + shownAs + " has no key " + key.key());
    }
    return new TokenCache.Token(
        new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
  }
}
