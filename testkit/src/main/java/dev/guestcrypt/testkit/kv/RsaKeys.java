package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Real RSA for the emulated keys: generation, JWK export, and the three Key Vault algorithms. */
final class RsaKeys {
    static final List<Integer> SIZES = List.of(2048, 3072, 4096);
    static final List<String> ALL_OPS = List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private RsaKeys() {}

    static KeyPair generate(int bits, BigInteger exponent) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(new RSAKeyGenParameterSpec(bits, exponent));
        return generator.generateKeyPair();
    }

    /** The public JWK Key Vault returns: never any private part. */
    static ObjectNode jwk(EmulatorState.KeyVersion key, String kid) throws GeneralSecurityException {
        RSAPublicKey pub = (RSAPublicKey) publicKey(key);
        ObjectNode jwk = HttpIo.JSON.createObjectNode();
        jwk.put("kid", kid);
        jwk.put("kty", key.kty);
        jwk.putArray("key_ops").addAll(key.keyOps.stream().map(HttpIo.JSON.getNodeFactory()::textNode).toList());
        jwk.put("n", B64URL.encodeToString(unsigned(pub.getModulus())));
        jwk.put("e", B64URL.encodeToString(unsigned(pub.getPublicExponent())));
        return jwk;
    }

    /** Applies {@code operation} (encrypt, wrapKey: public key; decrypt, unwrapKey: private key). */
    static byte[] apply(EmulatorState.KeyVersion key, String operation, String algorithm, byte[] input)
            throws GeneralSecurityException {
        boolean encrypt = operation.equals("encrypt") || operation.equals("wrapKey");
        Cipher cipher = cipher(algorithm);
        Key material = encrypt ? publicKey(key) : privateKey(key);
        int mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        if (algorithm.equals("RSA-OAEP-256")) {
            cipher.init(mode, material, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT));
        } else if (algorithm.equals("RSA-OAEP")) {
            cipher.init(mode, material, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
                    PSource.PSpecified.DEFAULT));
        } else {
            cipher.init(mode, material);
        }
        return cipher.doFinal(input);
    }

    static boolean knownAlgorithm(String algorithm) {
        return List.of("RSA1_5", "RSA-OAEP", "RSA-OAEP-256").contains(algorithm);
    }

    private static Cipher cipher(String algorithm) throws GeneralSecurityException {
        return switch (algorithm) {
            case "RSA1_5" -> Cipher.getInstance("RSA/ECB/PKCS1Padding");
            case "RSA-OAEP", "RSA-OAEP-256" -> Cipher.getInstance("RSA/ECB/OAEPPadding");
            default -> throw new GeneralSecurityException("unknown algorithm " + algorithm);
        };
    }

    static Key publicKey(EmulatorState.KeyVersion key) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey)));
    }

    private static Key privateKey(EmulatorState.KeyVersion key) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.privateKey)));
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
