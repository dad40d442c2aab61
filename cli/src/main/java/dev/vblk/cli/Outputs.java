package dev.vblk.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The files and folders one command writes, checked before anything starts so that a mistake gives
 * one clear line and nothing is lost: the folder of a file the user named must exist (only default
 * places are created), a file that exists must be a regular file, and no output may be one of the
 * command's inputs or another of its outputs, however the paths are spelled (relative, with
 * {@code ..}, through a symbolic or hard link).
 */
final class Outputs {

    private final List<Path> inputs;
    /** Each output's real location (its folder's real path and its name for a file not yet there), to its path. */
    private final Map<Path, Path> outputLocations = new HashMap<>();
    /** Each output that exists, by its file key (device and inode), so that a hard link to it is found too. */
    private final Map<Object, Path> outputFiles = new HashMap<>();

    private Outputs(List<Path> inputs) {
        this.inputs = List.copyOf(inputs);
    }

    /**
     * The outputs of a command that reads {@code inputs} (files that exist; nulls are left out).
     */
    static Outputs against(List<Path> inputs) {
        return new Outputs(inputs.stream().filter(Objects::nonNull).toList());
    }

    /**
     * Checks a file the user named.
     *
     * @param what what the file is, in messages: {@code trace}, {@code Flight Recorder file}...
     * @throws BadInputException if its folder does not exist, it is a folder or a special file, or it
     *     is one of the inputs or outputs
     */
    Path file(Path file, String what) {
        Path folder = folderOf(file);
        if (!Files.isDirectory(folder)) {
            throw new BadInputException("cannot write " + what + " " + file + ": folder " + folder
                    + (Files.exists(folder) ? " is not a folder" : " does not exist"));
        }
        return checked(file, what);
    }

    /**
     * Checks a file in a default place, creating its folder when missing.
     *
     * @throws BadInputException as {@link #file}, or if the folder cannot be created
     */
    Path defaultFile(Path file, String what) {
        createFolder(folderOf(file));
        return checked(file, what);
    }

    /**
     * Checks a folder files are written into, creating it when missing; the folders above it are
     * created only for a default place, not for one the user named.
     *
     * @param named whether the user named the folder
     * @throws BadInputException if the folder above a named one does not exist, the path is a file,
     *     or it cannot be created
     */
    Path folder(Path folder, String what, boolean named) {
        Path above = folderOf(folder);
        if (named && !Files.isDirectory(above)) {
            throw new BadInputException("cannot write " + what + " " + folder + ": folder " + above + " does not exist");
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new BadInputException("cannot write " + what + " " + folder + ": it is a file, not a folder");
        }
        createFolder(folder);
        return folder;
    }

    private Path checked(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new BadInputException("cannot write " + what + " " + file + ": it is a folder; name a file to write");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new BadInputException("cannot write " + what + " " + file + ": it is not a regular file");
        }
        for (Path input : inputs) {
            if (same(file, input)) {
                throw new BadInputException(what + " " + file + " is the input " + input
                        + "; writing it would destroy it: name another output file");
            }
        }
        Path location;
        Object key;
        try {
            location = location(file);
            key = Files.exists(file) ? fileKey(file) : null;
        } catch (IOException e) {
            throw new BadInputException("cannot check " + what + " " + file + ": " + e.getMessage(), e);
        }
        Path output = key != null && outputFiles.containsKey(key) ? outputFiles.get(key) : outputLocations.get(location);
        if (output != null) {
            throw new BadInputException(what + " " + file + " is also the output " + output + ": name different files");
        }
        outputLocations.put(location, file);
        if (key != null) {
            outputFiles.put(key, file);
        }
        return file;
    }

    /**
     * Checks that an input is none of the files the command writes in place (the images {@code put}
     * writes to): no command writes over its inputs.
     *
     * @param what what the input is, in messages
     * @throws BadInputException naming both
     */
    static void notWrittenInPlace(Path input, String what, List<Path> written) {
        for (Path file : written) {
            if (same(input, file)) {
                throw new BadInputException(what + " " + input + " is the image " + file
                        + " that is written: no command writes over its inputs; copy it first and name the copy");
            }
        }
    }

    /** What tells an existing file from every other: its file key where the file system has one, else its real path. */
    private static Object fileKey(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file.toRealPath();
    }

    /** Whether two paths name one file: the same file if both exist, else the same real location. */
    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
            return location(a).equals(location(b));
        } catch (IOException e) {
            throw new BadInputException("cannot compare " + a + " with " + b + ": " + e.getMessage(), e);
        }
    }

    /** Where a path points: its real path, or for a file not yet there its folder's real path and its name. */
    private static Path location(Path path) throws IOException {
        if (Files.exists(path)) {
            return path.toRealPath();
        }
        Path folder = folderOf(path);
        return (Files.isDirectory(folder) ? folder.toRealPath() : folder.normalize()).resolve(path.getFileName());
    }

    private static Path folderOf(Path path) {
        return path.toAbsolutePath().normalize().getParent();
    }

    private static void createFolder(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BadInputException("cannot create folder " + folder + ": " + e.getMessage(), e);
        }
    }
}
