package dev.vblk.discovery;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The block devices a system knows, by {@link BlockDeviceId}, in the order they were registered. */
public final class DeviceRegistry {

    private final Map<BlockDeviceId, BlockDevice> devices = new LinkedHashMap<>();

    /** Adds a device; a device with the same id must not be registered already. */
    public void register(BlockDevice device) {
        if (devices.putIfAbsent(device.id(), device) != null) {
            throw new IllegalStateException(device.id() + " is registered already");
        }
    }

    public Optional<BlockDevice> find(BlockDeviceId id) {
        return Optional.ofNullable(devices.get(id));
    }

    public Collection<BlockDevice> devices() {
        return Collections.unmodifiableCollection(devices.values());
    }

    public int size() {
        return devices.size();
    }
}
