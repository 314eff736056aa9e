package io.tunelab.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    private static final ParamMap EMPTY = new ParamMap(Names.of(new String[0]), new Object[0]);
    /** {@link Names} recently made, by a hash of the names: see {@link Names#shared}. */
    private static final AtomicReferenceArray<Names> RECENT_NAMES = new AtomicReferenceArray<>(64);

    /**
     * The names of a configuration's params in their order, and their index above {@link #SCANNED}
     * params. Shared by the params of all configurations with these names in this order that were
     * made close together: the trials of one experiment all have the same names, and a server
     * keeps thousands of trials, so one array (and one index) among them instead of one each,
     * which is one object fewer per trial for every young collection to copy. Immutable, so safe
     * to share through a plain write.
     */
    private static final class Names {
        final String[] names;
        final Map<String, Integer> index;

        private Names(String[] names, Map<String, Integer> index) {
            this.names = names;
            this.index = index;
        }

        static Names of(String[] names) {
            if (names.length <= SCANNED) {
                return new Names(names, null);
            }
            var index = new HashMap<String, Integer>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                index.put(names[i], i);
            }
            return new Names(names, index);
        }

        /** Names equal to {@code names} made recently, or new ones that later params may then share. A miss costs no more than not sharing. */
        static Names shared(String[] names) {
            int slot = Arrays.hashCode(names) & (RECENT_NAMES.length() - 1);
            Names recent = RECENT_NAMES.getPlain(slot);
            if (recent != null && Arrays.equals(recent.names, names)) {
                return recent;
            }
            Names made = of(names);
            RECENT_NAMES.setPlain(slot, made);
            return made;
        }
    }

    private final String[] names;
    private final Object[] values;
    private final Map<String, Integer> index;

    private ParamMap(Names names, Object[] values) {
        this.names = names.names;
        this.values = values;
        this.index = names.index;
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
        return new ParamMap(Names.shared(names), values);
    }

    /** Whether two params share their names' array (both made close together with the same names in the same order). */
    static boolean shareNames(Map<String, Object> a, Map<String, Object> b) {
        return a instanceof ParamMap x && b instanceof ParamMap y && x.names == y.names;
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
