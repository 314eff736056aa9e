package io.tunelab.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A configuration's params, immutable and in the order given, in two arrays. A trial is rebuilt
 * at every change of state, and a server keeps every trial of its experiments in memory: with a
 * {@code LinkedHashMap} copy each time, the params were most of the bytes a trial kept alive, and
 * the garbage collector copied them at every young collection until they were tenured (24–56 ms
 * pauses every 1–3 s at a few thousand trials per second). {@link #of} takes a {@code ParamMap}
 * as it is, so a trial's params are copied once, when they first become a trial's or a
 * proposal's. Looks a name up by a scan up to {@link #SCANNED} params, by a hash index above.
 */
final class ParamMap extends AbstractMap<String, Object> {
    static final int SCANNED = 16;
    private static final ParamMap EMPTY = new ParamMap(new String[0], new Object[0]);

    private final String[] names;
    private final Object[] values;
    private final Map<String, Integer> index;

    private ParamMap(String[] names, Object[] values) {
        this.names = names;
        this.values = values;
        if (names.length > SCANNED) {
            index = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                index.put(names[i], i);
            }
        } else {
            index = null;
        }
    }

    /** The params as a {@code ParamMap}: this one if they are one, else a copy in their order. */
    static Map<String, Object> of(Map<String, Object> params) {
        if (params == null || params.isEmpty()) {
            return EMPTY;
        }
        if (params instanceof ParamMap same) {
            return same;
        }
        var names = new String[params.size()];
        var values = new Object[params.size()];
        int i = 0;
        for (var e : params.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new ParamMap(names, values);
    }

    private int find(Object name) {
        if (index != null) {
            Integer at = index.get(name);
            return at == null ? -1 : at;
        }
        for (int i = 0; i < names.length; i++) {
            if (Objects.equals(names[i], name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object name) {
        int i = find(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return find(name) >= 0;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
