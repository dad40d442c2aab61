package dev.vblk.qemu.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs {@code qemu-system-aarch64}.
 *
 * <p>Without QEMU the test is skipped with a reason naming what was looked for, except when the
 * environment variable {@code CI} is {@code true}: there it fails, so that CI never silently skips
 * the QEMU tests.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(QemuAvailability.class)
public @interface RequiresQemu {}
