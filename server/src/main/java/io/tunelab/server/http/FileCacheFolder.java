package io.tunelab.server.http;

import io.vertx.core.file.FileSystemOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where Vert.x unpacks the web UI's files from the class path, and the removal of what killed
 * servers left there. Vert.x makes one folder per process ({@code vertx-cache-<uuid>} in the
 * temporary folder by default) and deletes it in a shutdown hook, which a {@code kill -9} or a
 * power loss never runs: every such stop left a folder for good. Here each server's folder is
 * {@code <pid>@<host>-<uuid>} inside one folder of this user's, and a start deletes the folders
 * of this host whose process is gone.
 *
 * <p>The shared folder must be this user's, not a link, and closed to everyone else (mode 700):
 * Vert.x serves the files it finds in it. One that is not is left alone, with a warning, and
 * Vert.x's default place is used instead.
 */
final class FileCacheFolder {
    private static final Logger LOG = LoggerFactory.getLogger(FileCacheFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** What Vert.x appends to the folder it is given: a dash and a random UUID. */
    private static final int UUID_SUFFIX = 1 + 36;

    private final Path shared;
    private final long pid;
    private final String host;

    FileCacheFolder(Path shared, long pid, String host) {
        this.shared = shared;
        this.pid = pid;
        this.host = fileSafe(host);
    }

    /** This process's, in {@code tunelab-vertx-<user>} of the temporary folder. */
    static FileCacheFolder ofThisProcess() {
        return new FileCacheFolder(Path.of(System.getProperty("java.io.tmpdir"), "tunelab-vertx-" + fileSafe(System.getProperty("user.name", "user"))),
                ProcessHandle.current().pid(), hostName());
    }

    /**
     * Vert.x's file options with the cache in the shared folder, after deleting what dead
     * servers of this host left in it; Vert.x's defaults when the shared folder cannot be used.
     */
    FileSystemOptions options() {
        var options = new FileSystemOptions();
        if (usable()) {
            removeLeftovers();
            options.setFileCacheDir(shared.resolve(pid + "@" + host).toString());
        }
        return options;
    }

    private boolean usable() {
        try {
            Files.createDirectory(shared, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // checked below
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warn("cannot make {} for the web UI's unpacked files ({}); using Vert.x's default place", shared, e.toString());
            return false;
        }
        try {
            var attributes = Files.readAttributes(shared, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            var me = shared.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            if (attributes.isDirectory() && attributes.owner().equals(me) && attributes.permissions().equals(OWNER_ONLY)) {
                return true;
            }
            LOG.warn("{} is not a folder of this user's with mode 700; using Vert.x's default place for the web UI's unpacked files", shared);
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warn("cannot check {} ({}); using Vert.x's default place for the web UI's unpacked files", shared, e.toString());
        }
        return false;
    }

    /** Deletes the folders of this host's servers that are no longer running. */
    void removeLeftovers() {
        try (Stream<Path> folders = Files.list(shared)) {
            folders.filter(this::leftBehind).forEach(FileCacheFolder::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("cannot list {} ({}); earlier servers' unpacked files stay", shared, e.toString());
        }
    }

    private boolean leftBehind(Path folder) {
        return ownerPid(folder.getFileName().toString())
                .filter(owner -> owner != pid)
                .filter(owner -> ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true))
                .isPresent();
    }

    /** The process id in {@code <pid>@<host>-<uuid>} when the host is this one. */
    private Optional<Long> ownerPid(String name) {
        int at = name.indexOf('@');
        if (at <= 0 || name.length() != at + 1 + host.length() + UUID_SUFFIX || !name.startsWith(host, at + 1)
                || name.charAt(at + 1 + host.length()) != '-') {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(name.substring(0, at)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not delete {}: {}", folder, e.toString());
        }
    }

    /** {@code text} with every character a file name should not hold replaced by '_'. */
    private static String fileSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
