package dev.vblk.block;

/**
 * Names one request submitted to an {@link AsyncBlockDevice}, from submission until its
 * {@link Completion} is delivered.
 *
 * @param id the device's number for the request: 1 for the first submitted, then increasing
 * @param type what the request does
 * @param sector its first sector (0 when it has none)
 * @param sectorCount the sectors it covers (0 when it covers none)
 */
public record RequestHandle(long id, RequestType type, long sector, long sectorCount) {

    // equals and hashCode are written out: handles are map keys on every request, and the generated
    // ones go through method handles, which the client compiler (fuzz campaigns) does not inline.
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof RequestHandle handle && handle.id == id && handle.type == type
                && handle.sector == sector && handle.sectorCount == sectorCount;
    }

    @Override
    public int hashCode() {
        return (31 * (31 * (31 * Long.hashCode(id) + type.hashCode()) + Long.hashCode(sector))) + Long.hashCode(sectorCount);
    }

    @Override
    public String toString() {
        return "request " + id + " (" + type.name().toLowerCase(java.util.Locale.ROOT)
                + (sectorCount > 0 ? " sector " + sector + ", " + sectorCount + " sector(s))" : ")");
    }
}
