package io.tunelab.experiments.support;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Calls into the server's classes, which the in-process benchmarks load by name (they are on the
 * classpath only when a benchmark runs that way): a runtime exception thrown inside is rethrown
 * as it is, so a refused spec reads the same as through the server.
 */
public final class Reflective {
    private Reflective() {
    }

    /** A new instance by this constructor. */
    public static Object construct(Constructor<?> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The method's result on {@code target} (null for a static method). */
    public static Object call(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuntimeException unwrap(InvocationTargetException e) {
        return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
}
