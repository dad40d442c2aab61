package dev.vblk.trace;

import dev.vblk.block.ErrorKind;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/** How a traced operation ended: with a digest of the data it returned, or with an error. */
public sealed interface OperationOutcome {

    /**
     * The operation returned normally.
     *
     * @param sha256 the SHA-256 digest (32 bytes) of the data the operation returned: the buffer
     *     after a read, the UTF-8 bytes of the identification string after GET_ID, and the digest
     *     of no bytes for every other kind
     */
    record Succeeded(byte[] sha256) implements OperationOutcome {
        /** Length of a SHA-256 digest in bytes. */
        public static final int DIGEST_LENGTH = 32;

        public Succeeded {
            if (sha256.length != DIGEST_LENGTH) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
            }
            sha256 = sha256.clone();
        }

        /** The outcome of an operation that returned {@code data}. */
        public static Succeeded ofData(byte[] data) {
            return new Succeeded(sha256Digest().digest(data));
        }

        /** A new SHA-256 digest, the one outcomes are made with. */
        static MessageDigest sha256Digest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
        }

        /** The outcome of an operation that returns no data. */
        public static Succeeded ofNothing() {
            return ofData(new byte[0]);
        }

        /** A copy of the digest. */
        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Succeeded that && Arrays.equals(sha256, that.sha256);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sha256);
        }

        @Override
        public String toString() {
            return "Succeeded[sha256=" + HexFormat.of().formatHex(sha256) + "]";
        }
    }

    /**
     * The operation threw.
     *
     * @param errorKind the {@link ErrorKind} name of a {@link dev.vblk.block.BlockDeviceException},
     *     or the class name of any other exception
     * @param message the exception's message, empty when it had none
     */
    record Failed(String errorKind, String message) implements OperationOutcome {
        public Failed {
            Objects.requireNonNull(errorKind, "errorKind");
            Objects.requireNonNull(message, "message");
        }

        /** The block device error kind, if {@link #errorKind} names one. */
        public Optional<ErrorKind> blockErrorKind() {
            return Arrays.stream(ErrorKind.values()).filter(k -> k.name().equals(errorKind)).findFirst();
        }
    }
}
