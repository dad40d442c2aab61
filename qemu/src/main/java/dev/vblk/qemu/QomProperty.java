package dev.vblk.qemu;

/**
 * One entry of a QMP {@code qom-list} answer.
 *
 * @param name the property or child name, such as {@code device[3]}
 * @param type its type, such as {@code child<arm_gic>} or {@code string}
 */
public record QomProperty(String name, String type) {

    /** The object type of a {@code child<...>} entry, or empty if this is not a child. */
    public java.util.Optional<String> childType() {
        if (type.startsWith("child<") && type.endsWith(">")) {
            return java.util.Optional.of(type.substring("child<".length(), type.length() - 1));
        }
        return java.util.Optional.empty();
    }
}
