package dev.vblk.fuzz.oracle;

/**
 * {@link Invariant#CONFIG_WHOLE}: after every call the capacity the driver holds ({@code config()}
 * and {@code info()}) is the device's true capacity. No scenario changes the capacity for good, so
 * any other value is one the device showed only for a moment (a {@code TornConfig} change between
 * the two 32-bit halves of the driver's read): a value read across a ConfigGeneration change,
 * which the driver must have read again.
 */
final class ConfigValueCheck {

    private final RunState run;

    ConfigValueCheck(RunState run) {
        this.run = run;
    }

    void check(Where where) {
        if (run.driver == null) {
            return;
        }
        long capacity = run.fake.capacitySectors();
        long held = run.driver.config().capacity();
        long described = run.driver.info().capacitySectors();
        if (held != capacity || described != capacity) {
            run.findings.add(Invariant.CONFIG_WHOLE, where, String.format("the driver holds capacity 0x%x (info() 0x%x), "
                    + "but the device's capacity is 0x%x: a value read across a configuration change", held, described,
                    capacity));
        }
    }
}
