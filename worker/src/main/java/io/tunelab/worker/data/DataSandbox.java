package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The files a worker may read for a task's {@code dataset.path}: regular files under its data
 * roots ({@code --data-root}), no larger than its cap ({@code --max-data-mb}). With no root,
 * only the bundled datasets can be used.
 *
 * <p>Everything is checked before the file is opened: an absolute path must lie under a root
 * as written (so a path outside every root is refused without touching the disk), no segment
 * may be {@code ..}, the real path (symbolic links resolved) must lie under a root's real path,
 * the file must be a regular file (not a directory, FIFO, device or socket) and its size must
 * be within the cap. Reading then stops one byte past the cap, so a file that grows, or one
 * whose size the file system does not tell (as under {@code /proc}), is refused too. A
 * relative path is looked up under each root in order. Refusals throw
 * {@link DataRefusedException}; a permitted path with no file throws INVALID_SPEC.
 *
 * <p>Immutable and thread-safe; built once in main.
 */
public final class DataSandbox {
    /** The cap on a CSV file when {@code --max-data-mb} is not given. */
    public static final int DEFAULT_MAX_MB = 512;
    /** A file is read into one array, so the cap stays below 2 GB. */
    public static final int LARGEST_MAX_MB = 2047;
    private static final String HOW_TO_RAISE = "start the worker with a larger --max-data-mb to allow it";

    /** Opens a checked file; a seam so that tests can tell whether a refused file was opened. */
    interface Opener {
        InputStream open(Path real) throws IOException;
    }

    /** A root as given (absolute, normalised) and as it really is (symbolic links resolved). */
    private record Root(Path given, Path real) {
    }

    /** A permitted file: the path the task gave, where it really is, and its size and modification time. */
    record Located(String given, Path real, long size, long modifiedMillis) {
    }

    private final List<Root> roots;
    private final long maxBytes;
    private final Opener opener;

    private DataSandbox(List<Root> roots, long maxBytes, Opener opener) {
        this.roots = List.copyOf(roots);
        this.maxBytes = maxBytes;
        this.opener = opener;
    }

    /**
     * A sandbox over existing directories; throws IllegalArgumentException naming the option
     * when a root is not a directory or the cap is not positive.
     */
    public static DataSandbox of(List<Path> roots, long maxBytes) {
        return of(roots, maxBytes, real -> Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS));
    }

    static DataSandbox of(List<Path> roots, long maxBytes, Opener opener) {
        if (maxBytes < 1 || maxBytes > (long) LARGEST_MAX_MB << 20) {
            throw new IllegalArgumentException("--max-data-mb must be from 1 to " + LARGEST_MAX_MB + ", got " + (maxBytes >> 20)
                    + " (" + maxBytes + " bytes)");
        }
        var resolved = new ArrayList<Root>();
        for (Path root : roots) {
            try {
                Path real = root.toRealPath();
                if (!Files.isDirectory(real)) {
                    throw new IllegalArgumentException("--data-root " + root + " is not a directory");
                }
                resolved.add(new Root(root.toAbsolutePath().normalize(), real));
            } catch (IOException e) {
                throw new IllegalArgumentException("--data-root " + root + ": no such directory");
            }
        }
        return new DataSandbox(resolved, maxBytes, opener);
    }

    /** Only the bundled datasets: no root, the default cap. */
    public static DataSandbox bundledOnly() {
        return of(List.of(), (long) DEFAULT_MAX_MB << 20);
    }

    /**
     * Reads a file the person at the command line named (as {@code predict --csv}): symbolic
     * links are followed, since they chose the file, but it must still be a regular file within the cap.
     */
    public static RawTable readNamed(Path file, long maxBytes) {
        try {
            Path real = file.toRealPath();
            return of(List.of(real.getParent()), maxBytes).read(real.getFileName().toString());
        } catch (IOException e) {
            throw TunelabException.invalidSpec("no file at " + file.toAbsolutePath());
        }
    }

    /** Reads and parses a permitted CSV file; see the class comment for what is refused. */
    public RawTable read(String given) {
        return read(locate(given));
    }

    RawTable read(Located file) {
        byte[] bytes;
        try (InputStream in = opener.open(file.real())) {
            bytes = in.readNBytes((int) maxBytes + 1);
        } catch (IOException e) {
            throw TunelabException.invalidSpec(field(file.given()) + ": cannot read it: " + e.getClass().getSimpleName());
        }
        if (bytes.length > maxBytes) {
            throw new DataRefusedException(field(file.given()) + " holds more than the worker's limit of " + megabytes(maxBytes)
                    + " (it grew while being read, or its size is not known in advance); " + HOW_TO_RAISE);
        }
        return CsvReader.read(file.given(), bytes);
    }

    /** Checks a task's path without opening the file: where it really is, or why it is refused. */
    Located locate(String given) {
        if (roots.isEmpty()) {
            throw new DataRefusedException(field(given) + ": this worker reads no CSV files, since it was started without "
                    + "--data-root; use a bundled dataset (" + String.join(", ", DatasetSource.BUNDLED) + ") or start the "
                    + "worker with --data-root DIR for the directory that holds the file");
        }
        Path path;
        try {
            path = Path.of(given);
        } catch (InvalidPathException e) {
            throw TunelabException.invalidSpec(field(given) + " is not a valid path: " + e.getReason());
        }
        for (Path segment : path) {
            if (segment.toString().equals("..")) {
                throw new DataRefusedException(field(given) + " has a \"..\" segment, which is not allowed; name the file "
                        + "under " + allowed() + " without \"..\"");
            }
        }
        List<Path> candidates;
        if (path.isAbsolute()) {
            Path normal = path.normalize();
            if (roots.stream().noneMatch(r -> normal.startsWith(r.given()) || normal.startsWith(r.real()))) {
                throw outside(given);
            }
            candidates = List.of(path);
        } else {
            candidates = roots.stream().map(r -> r.real().resolve(path)).toList();
        }
        for (Path candidate : candidates) {
            Path real;
            try {
                real = candidate.toRealPath();
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw TunelabException.invalidSpec(field(given) + ": cannot resolve it: " + e.getClass().getSimpleName());
            }
            return check(given, real);
        }
        throw TunelabException.invalidSpec(field(given) + ": no such file under " + allowed()
                + " on this worker; a relative path is looked up under each data root in turn");
    }

    private Located check(String given, Path real) {
        if (roots.stream().noneMatch(r -> real.startsWith(r.real()))) {
            throw new DataRefusedException(field(given) + " leads through a symbolic link to a place outside the data roots "
                    + allowed() + "; copy the file under a root, or start the worker with --data-root DIR for the directory "
                    + "that really holds it");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw TunelabException.invalidSpec(field(given) + ": cannot read its attributes: " + e.getClass().getSimpleName());
        }
        if (attributes.isDirectory()) {
            throw new DataRefusedException(field(given) + " is a directory; name a CSV file in it");
        }
        if (!attributes.isRegularFile()) {
            throw new DataRefusedException(field(given) + " is not a regular file (it is a FIFO, a device or a socket); "
                    + "only regular CSV files are read");
        }
        if (attributes.size() > maxBytes) {
            throw new DataRefusedException(field(given) + " is " + megabytes(attributes.size()) + ", above the worker's limit of "
                    + megabytes(maxBytes) + "; " + HOW_TO_RAISE);
        }
        return new Located(given, real, attributes.size(), attributes.lastModifiedTime().toMillis());
    }

    private DataRefusedException outside(String given) {
        return new DataRefusedException(field(given) + " is outside the data roots of this worker " + allowed()
                + "; put the file under one of them, or start the worker with --data-root DIR for the directory that holds it");
    }

    private String allowed() {
        return roots.stream().map(r -> r.real().toString()).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String field(String given) {
        return "dataset.path \"" + given + "\"";
    }

    private static String megabytes(long bytes) {
        if (bytes < 1 << 20) {
            return bytes + " bytes";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MB" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
