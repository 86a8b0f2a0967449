package dev.guestcrypt.nativebind.luks;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;

/**
 * An AES-XTS-plain64 decryptor written independently of libcryptsetup, from AES-ECB and the XTS
 * tweak arithmetic (IEEE 1619): the test oracle. LUKS2 counts the plain64 IV in 512-byte units
 * from the start of the data segment, whatever the encryption sector size.
 */
final class XtsOracle {
    private final Cipher dataCipher;
    private final Cipher tweakCipher;
    private final int sectorSize;

    XtsOracle(byte[] volumeKey, int sectorSize) throws GeneralSecurityException {
        int half = volumeKey.length / 2;
        dataCipher = Cipher.getInstance("AES/ECB/NoPadding");
        dataCipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(volumeKey, 0, half, "AES"));
        tweakCipher = Cipher.getInstance("AES/ECB/NoPadding");
        tweakCipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(volumeKey, half, half, "AES"));
        this.sectorSize = sectorSize;
    }

    /** Decrypts {@code length} bytes of the data segment starting at {@code segmentOffset} bytes. */
    byte[] decrypt(Path device, long segmentStart, long segmentOffset, int length, long ivShift)
            throws IOException, GeneralSecurityException {
        byte[] cipherText = new byte[length];
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(cipherText);
            long position = segmentStart + segmentOffset;
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("short read of " + device);
                }
            }
        }
        byte[] plain = new byte[length];
        for (int at = 0; at < length; at += sectorSize) {
            long iv = (segmentOffset + at) / 512 + ivShift;
            decryptSector(cipherText, at, plain, iv);
        }
        return plain;
    }

    private void decryptSector(byte[] in, int offset, byte[] out, long iv) throws GeneralSecurityException {
        byte[] tweak = new byte[16];
        for (int i = 0; i < 8; i++) {
            tweak[i] = (byte) (iv >>> (8 * i)); // little-endian 64-bit sector number, upper half zero
        }
        tweak = tweakCipher.doFinal(tweak);
        byte[] tweaks = new byte[sectorSize];
        byte[] masked = new byte[sectorSize];
        for (int block = 0; block < sectorSize; block += 16) {
            System.arraycopy(tweak, 0, tweaks, block, 16);
            for (int i = 0; i < 16; i++) {
                masked[block + i] = (byte) (in[offset + block + i] ^ tweak[i]);
            }
            multiplyByAlpha(tweak);
        }
        byte[] decrypted = dataCipher.doFinal(masked);
        for (int i = 0; i < sectorSize; i++) {
            out[offset + i] = (byte) (decrypted[i] ^ tweaks[i]);
        }
    }

    /** Tweak times x in GF(2^128), little-endian byte order, reduction polynomial 0x87. */
    private static void multiplyByAlpha(byte[] tweak) {
        int carry = 0;
        for (int i = 0; i < 16; i++) {
            int b = tweak[i] & 0xff;
            tweak[i] = (byte) ((b << 1) | carry);
            carry = b >>> 7;
        }
        if (carry != 0) {
            tweak[0] ^= (byte) 0x87;
        }
    }
}
