package dev.vblk.harness;

/**
 * A {@code stream} step asked for sectors past the end of its device: the run stops before the step
 * makes a call, since a transfer cut short at the device's end is never what was meant.
 */
public final class OutsideDeviceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String device;
    private final long lastSector;
    private final long capacitySectors;

    OutsideDeviceException(String step, long lastSector, String device, long capacitySectors) {
        super("'" + step + "' reaches sector " + lastSector + ", past the end of " + device + ", which has "
                + capacitySectors + " sectors");
        this.device = device;
        this.lastSector = lastSector;
        this.capacitySectors = capacitySectors;
    }

    /** The last sector the step asked for. */
    public long lastSector() {
        return lastSector;
    }

    /** The device the step was for. */
    public String device() {
        return device;
    }

    /** How many sectors that device has. */
    public long capacitySectors() {
        return capacitySectors;
    }
}
