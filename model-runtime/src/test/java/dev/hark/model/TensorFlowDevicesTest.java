package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorFlowDevicesTest {
    @Test
    void listsTheCpuAndOnlyKnownDeviceTypes() {
        List<TensorFlowDevices.Device> devices = TensorFlowDevices.list();
        assertEquals(1, devices.stream().filter(d -> d.type().equals("CPU")).count(), devices.toString());
        assertTrue(devices.stream().anyMatch(d -> d.name().endsWith("/device:CPU:0")), devices.toString());
        for (TensorFlowDevices.Device d : devices) {
            assertTrue(d.type().equals("CPU") || d.type().equals("GPU"), d.toString());
        }
        assertEquals(devices.size() - 1, TensorFlowDevices.gpuCount());
        assertEquals(devices, TensorFlowDevices.list(), "looked up once");
    }

    @Test
    void servingConfigLetsGpuMemoryGrowAndSetsThreadPools() {
        var config = TensorFlowDevices.sessionConfig(2, 1);
        assertEquals(2, config.getIntraOpParallelismThreads());
        assertEquals(1, config.getInterOpParallelismThreads());
        assertTrue(config.getGpuOptions().getAllowGrowth());
    }
}
