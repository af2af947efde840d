package dev.hark.job.inference;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.util.FlinkUserCodeClassLoader;
import org.bytedeco.javacpp.Pointer;

/**
 * Lets a job's class loader go when TensorFlow came with the job. TensorFlow Java frees native memory through
 * JavaCPP, whose "JavaCPP Deallocator" thread lives as long as the class loader that loaded JavaCPP and keeps it
 * reachable. When the job's jar brought JavaCPP (child-first, Flink's default), every finished or restarted job
 * would leave its loader, TensorFlow's classes and their memory behind on the TaskManager. When JavaCPP sits in
 * Flink's {@code lib/} (parent-first, the recommended setup), the thread is shared and must be left alone.
 */
public final class TensorFlowClassLoading {
    static final String RELEASE_HOOK = "hark-javacpp-deallocator";

    private TensorFlowClassLoading() {
    }

    /** Whether JavaCPP, and with it TensorFlow, was loaded from the job's own class path. */
    public static boolean loadedWithTheJob() {
        return Pointer.class.getClassLoader() instanceof FlinkUserCodeClassLoader;
    }

    /** Stops JavaCPP's deallocator thread when Flink releases the job's class loader, if JavaCPP is the job's. */
    public static void registerReleaseHook(RuntimeContext context) {
        if (loadedWithTheJob()) {
            context.registerUserCodeClassLoaderReleaseHookIfAbsent(RELEASE_HOOK, () -> {
                Pointer.deallocateReferences(); // free what is already unreachable, then let the thread end
                Pointer.interruptDeallocatorThread();
            });
        }
    }
}
