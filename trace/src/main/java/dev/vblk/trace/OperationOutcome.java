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
     * The operation returned normally, with the SHA-256 digest (32 bytes) of the data it returned:
     * the buffer after a read, the UTF-8 bytes of the identification string after GET_ID, and the
     * digest of no bytes for every other kind.
     *
     * <p>An outcome made from the data itself ({@link #returning}, and a reader's outcome whose bytes
     * the trace holds) keeps the data and works its digest out only when asked: two such outcomes are
     * compared byte for byte, which is cheaper than two digests and no weaker; against an outcome that
     * has only a digest, the data's digest is compared.
     */
    final class Succeeded implements OperationOutcome {
        /** Length of a SHA-256 digest in bytes. */
        public static final int DIGEST_LENGTH = 32;

        private static final byte[] NOTHING = sha256Digest().digest();

        /** The digest, once worked out. */
        private volatile byte[] sha256;
        /** The data returned, when the outcome was made from it; null when only the digest is known. */
        private final ByteSlices data;

        /** The outcome whose data had the digest {@code sha256}. */
        public Succeeded(byte[] sha256) {
            if (sha256.length != DIGEST_LENGTH) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
            }
            this.sha256 = sha256.clone();
            this.data = null;
        }

        private Succeeded(ByteSlices data) {
            this.data = data;
        }

        /** The outcome of an operation that returned {@code data}, digested now. */
        public static Succeeded ofData(byte[] data) {
            return new Succeeded(sha256Digest().digest(data));
        }

        /**
         * The outcome of an operation that returned {@code data}, which the caller hands over and no
         * longer changes: its digest is worked out only when asked.
         */
        public static Succeeded returning(byte[] data) {
            return new Succeeded(ByteSlices.of(data));
        }

        /** The outcome of an operation that returned the bytes {@code data} names, which nothing changes any more. */
        static Succeeded returning(ByteSlices data) {
            return new Succeeded(data);
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
            return new Succeeded(NOTHING);
        }

        /** A copy of the digest. */
        public byte[] sha256() {
            return digest().clone();
        }

        private byte[] digest() {
            byte[] known = sha256;
            if (known == null) {
                known = data.length() == 0 ? NOTHING : data.digest(sha256Digest());
                sha256 = known;
            }
            return known;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Succeeded that)) {
                return false;
            }
            if (data != null && that.data != null) {
                return data.contentEquals(that.data);
            }
            return Arrays.equals(digest(), that.digest());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest());
        }

        @Override
        public String toString() {
            return "Succeeded[sha256=" + HexFormat.of().formatHex(digest()) + "]";
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
