package dev.rollguard.operator.notify;

import dev.rollguard.operator.measure.TokenCache;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One GET of a target's Secret (the operator may read exactly the Secrets the chart lists, never
 * list or watch Secrets). Failures name the Secret and key, never a value.
 */
public final class SecretKeys {

  private SecretKeys() {}

  public static TokenCache.Result read(KubernetesClient client, TokenCache.Key key) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(key.namespace()).withName(key.name()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return new TokenCache.Failure(
            "Secret "
                + key.namespace()
                + "/"
                + key.name()
                + " may not be read by the operator (403): list it in the chart's"
                + " notifications.targets");
      }
      throw e;
    }
    if (secret == null) {
      return new TokenCache.Failure("Secret " + key.namespace() + "/" + key.name() + " not found");
    }
    String encoded = secret.getData() != null ? secret.getData().get(key.key()) : null;
    if (encoded == null && secret.getStringData() != null) {
      String plain = secret.getStringData().get(key.key());
      if (plain != null) {
        return new TokenCache.Token(plain);
      }
    }
    if (encoded == null) {
      return new TokenCache.Failure(
          "Secret " + key.namespace() + "/" + key.name() + " has no key " + key.key());
    }
    return new TokenCache.Token(
        new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
  }
}
