package dev.vblk.qemu;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code qemu-system-aarch64} executable: where it is and which version it reports.
 *
 * <p>Looked up in this order: an explicit path, the environment variable {@value #ENV_VARIABLE},
 * then each directory of {@code PATH}.
 *
 * @param path the executable
 */
public record QemuBinary(Path path) {

    /** The executable's file name searched for on {@code PATH}. */
    public static final String EXECUTABLE = "qemu-system-aarch64";

    /** The environment variable that may name the executable. */
    public static final String ENV_VARIABLE = "VBLK_QEMU";

    private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

    /** A binary at the given path (not checked until used). */
    public QemuBinary {
        path = path.toAbsolutePath().normalize();
    }

    /**
     * Finds the executable: {@code explicit} if given, else {@value #ENV_VARIABLE}, else {@code PATH}.
     *
     * @param explicit a path chosen by the caller, or {@code null}
     * @throws QemuException if the chosen place holds no executable file, naming what was looked for
     */
    public static QemuBinary locate(Path explicit) {
        return search(explicit, System.getenv(ENV_VARIABLE), System.getenv("PATH"));
    }

    /** The executable from {@value #ENV_VARIABLE} or {@code PATH}, or empty if there is none. */
    public static Optional<QemuBinary> find() {
        try {
            return Optional.of(locate(null));
        } catch (QemuException e) {
            return Optional.empty();
        }
    }

    static QemuBinary search(Path explicit, String envValue, String pathValue) {
        if (explicit != null) {
            return requireExecutable(explicit, "the explicitly configured QEMU path");
        }
        if (envValue != null && !envValue.isBlank()) {
            return requireExecutable(Path.of(envValue), "the path in environment variable " + ENV_VARIABLE);
        }
        Optional<Path> found = onPath(EXECUTABLE, pathValue);
        if (found.isPresent()) {
            return new QemuBinary(found.get());
        }
        List<String> searched = pathValue == null ? List.of()
                : Arrays.stream(pathValue.split(File.pathSeparator)).filter(folder -> !folder.isEmpty()).toList();
        throw new QemuException("QEMU not found: no executable " + EXECUTABLE + " (" + ENV_VARIABLE
                + " is not set, and PATH directories " + searched + " do not hold one); install QEMU"
                + " (Debian: apt-get install qemu-system-arm) or set " + ENV_VARIABLE);
    }

    /** The first executable file called {@code program} in the folders of {@code pathValue} ({@code PATH}'s form). */
    static Optional<Path> onPath(String program, String pathValue) {
        if (pathValue == null) {
            return Optional.empty();
        }
        for (String folder : pathValue.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(folder, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static QemuBinary requireExecutable(Path candidate, String source) {
        if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
            throw new QemuException("QEMU not found: " + source + ", " + candidate + ", is not an executable file");
        }
        return new QemuBinary(candidate);
    }

    /**
     * The first line of {@code qemu-system-aarch64 --version}, such as
     * {@code QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)}; cached per path.
     */
    public String version() {
        return VERSIONS.computeIfAbsent(path, QemuBinary::runVersion);
    }

    private static String runVersion(Path executable) {
        try {
            Process process = new ProcessBuilder(executable.toString(), "--version")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new QemuException(executable + " --version did not finish within 10 s");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 || text.isEmpty()) {
                throw new QemuException(executable + " --version failed with status " + process.exitValue() + ": " + text);
            }
            return text.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            throw new QemuException("cannot run " + executable + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QemuException("interrupted while running " + executable + " --version", e);
        }
    }
}
