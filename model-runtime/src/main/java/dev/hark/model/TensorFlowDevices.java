package dev.hark.model;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextOptionsSetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * The devices TensorFlow can place ops on in this process: the CPU always, GPUs when TensorFlow's CUDA build is on
 * the class path (Maven profile {@code gpu}) and CUDA sees a GPU. TensorFlow then places the model's ops on the first
 * GPU by itself; this list lets a job say in its log and metrics which it got.
 */
public final class TensorFlowDevices {
    /** One device, e.g. {@code /job:localhost/replica:0/task:0/device:GPU:0}, type {@code GPU}. */
    public record Device(String name, String type, long memoryBytes) {
    }

    private static volatile List<Device> cached;

    private TensorFlowDevices() {
    }

    /**
     * The session options hark serves with: the given thread pools, and GPU memory taken as needed rather than all
     * at once, so the inference subtasks of a TaskManager (and other processes) can share a GPU.
     */
    public static ConfigProto sessionConfig(int intraOpThreads, int interOpThreads) {
        return sessionConfig(intraOpThreads, interOpThreads, Precision.FLOAT32);
    }

    /** {@code config} with the session option that makes TensorFlow run {@code precision}'s arithmetic. */
    public static ConfigProto.Builder withPrecision(ConfigProto.Builder config, Precision precision) {
        return precision.applyTo(config);
    }

    /** As above, with the CPU ops in the given {@link Precision}. */
    public static ConfigProto sessionConfig(int intraOpThreads, int interOpThreads, Precision precision) {
        return precision.applyTo(ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)))
                .build();
    }

    /**
     * The devices, looked up once per class loader (a GPU lookup initialises CUDA, about a second). Call it after the
     * first model is loaded: TensorFlow's CPU thread pools are process-wide and the first context's settings win, so
     * the serving session, not this lookup, should set them.
     */
    public static List<Device> list() {
        List<Device> devices = cached;
        if (devices == null) {
            devices = lookUp();
            cached = devices;
        }
        return devices;
    }

    public static long gpuCount() {
        return list().stream().filter(d -> d.type().equals("GPU")).count();
    }

    private static List<Device> lookUp() {
        TF_Status status = TF_NewStatus();
        TFE_ContextOptions options = TFE_NewContextOptions();
        TFE_Context context = null;
        TF_DeviceList list = null;
        byte[] gpuOnly = ConfigProto.newBuilder().setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).build()
                .toByteArray();
        try (BytePointer config = new BytePointer(gpuOnly)) {
            TFE_ContextOptionsSetConfig(options, config, config.capacity(), status);
            check(status);
            context = TFE_NewContext(options, status);
            check(status);
            list = TFE_ContextListDevices(context, status);
            check(status);
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < TF_DeviceListCount(list); i++) {
                String name = TF_DeviceListName(list, i, status).getString();
                String type = TF_DeviceListType(list, i, status).getString();
                long memory = TF_DeviceListMemoryBytes(list, i, status);
                check(status);
                devices.add(new Device(name, type, memory));
            }
            return List.copyOf(devices);
        } finally {
            if (list != null) {
                TF_DeleteDeviceList(list);
            }
            if (context != null) {
                TFE_DeleteContext(context);
            }
            TFE_DeleteContextOptions(options);
            TF_DeleteStatus(status);
        }
    }

    private static void check(TF_Status status) {
        if (TF_GetCode(status) != TF_OK) {
            throw new IllegalStateException("TensorFlow could not list its devices: " + TF_Message(status).getString());
        }
    }
}
