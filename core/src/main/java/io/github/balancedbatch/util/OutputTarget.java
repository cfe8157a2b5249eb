package io.github.balancedbatch.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file that is about to be written, and how: the one place that decides what may be replaced.
 *
 * <ul>
 *   <li>A regular file (or a name that does not exist yet) is a {@link Kind#FILE}: written through a
 *       temporary file beside it ({@link #newTemporary()}) and moved into place atomically
 *       ({@link #move(Path, Path)}), keeping an existing file's permissions.
 *   <li>A symbolic link is followed: {@link #path()} is the file it points to, which is replaced;
 *       the link stays a link.
 *   <li>A character device or a named pipe is a {@link Kind#STREAM}: written straight through
 *       ({@code /dev/null}, a shell's {@code >(consumer)}, {@code /dev/stdout} or
 *       {@code /proc/self/fd/N} open on a pipe); nothing is ever created, moved or deleted there.
 *   <li>Anything else (directory, socket, block device) is refused by {@link #of(Path)}.
 * </ul>
 *
 * <p>Temporary names are {@code .<name>.<pid>.<random>.tmp}: they name their process, so a later run
 * writing the same target deletes those whose process is gone ({@link #removeLeftovers()}), even
 * after a SIGKILL that ran no cleanup. Immutable and thread-safe.
 */
public final class OutputTarget {
    /** How a target is written. */
    public enum Kind {
        /** A regular file, or a name to create: temporary file and atomic move. */
        FILE,
        /** A character device or named pipe: written straight through. */
        STREAM
    }

    private static final int MAX_LINKS = 40;
    private static final int MAX_NAME_BYTES = 120;
    private static final String SUFFIX = ".tmp";
    /** Suffix of a replaced file set aside during an all-or-none publication. */
    public static final String SET_ASIDE = ".old";

    private final Path requested;
    private final Path path;
    private final Kind kind;

    private OutputTarget(Path requested, Path path, Kind kind) {
        this.requested = requested;
        this.path = path;
        this.kind = kind;
    }

    /**
     * Resolves {@code target}: follows symbolic links and decides how it is written.
     *
     * @throws IOException with a one-line message naming {@code target} if it is a directory, a
     *     socket, a block device or another kind of file that is never replaced, if its directory
     *     does not exist, or if its links loop
     */
    public static OutputTarget of(Path target) throws IOException {
        Objects.requireNonNull(target, "target");
        Path p = target.toAbsolutePath();
        // What the kernel opens, links followed: /dev/stdout, /dev/fd/N and /proc/self/fd/N end in a
        // link named "pipe:[...]" that is no path, so a pipe or device is recognised as opened.
        String opened = unixType(p, true);
        if (opened.equals("character device") || opened.equals("named pipe")) {
            return new OutputTarget(target, p, Kind.STREAM);
        }
        if (opened.equals("socket")) {
            throw new IOException(target + " is a socket: only a regular file, a character device"
                    + " or a named pipe is written");
        }
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new IOException(target + ": too many levels of symbolic links");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p)); // an absolute link replaces the path
        }
        if (p.getFileName() == null) {
            throw new IOException(target + " is not a file name");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            Path dir = p.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IOException(target + ": directory " + dir + " does not exist");
            }
            return new OutputTarget(target, p, Kind.FILE);
        }
        if (a.isRegularFile()) {
            return new OutputTarget(target, p, Kind.FILE);
        }
        if (a.isDirectory()) {
            throw new IOException(target + " is a directory" + followed(target, p));
        }
        String type = unixType(p, false);
        if (type.equals("character device") || type.equals("named pipe")) {
            return new OutputTarget(target, p, Kind.STREAM);
        }
        throw new IOException(target + " is a " + type + followed(target, p)
                + ": only a regular file, a character device or a named pipe is written");
    }

    private static String followed(Path target, Path p) {
        return p.equals(target.toAbsolutePath()) ? "" : " (" + p + ")";
    }

    /**
     * The file type from the POSIX mode bits ({@code follow}: of what the links lead to), "missing"
     * if there is nothing there, or "special file" where the bits cannot be read.
     */
    private static String unixType(Path p, boolean follow) {
        int mode;
        try {
            mode = (Integer) (follow ? Files.getAttribute(p, "unix:mode")
                    : Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException | RuntimeException e) {
            return "special file";
        }
        switch (mode & 0170000) {
            case 0020000:
                return "character device";
            case 0010000:
                return "named pipe";
            case 0060000:
                return "block device";
            case 0140000:
                return "socket";
            case 0100000:
                return "regular file";
            case 0040000:
                return "directory";
            default:
                return "special file";
        }
    }

    /** The path as given. */
    public Path requested() {
        return requested;
    }

    /** The absolute path written: symbolic links followed. */
    public Path path() {
        return path;
    }

    /** How it is written. */
    public Kind kind() {
        return kind;
    }

    /** Whether it is a device or pipe written straight through. */
    public boolean isStream() {
        return kind == Kind.STREAM;
    }

    /**
     * Creates an empty temporary file beside a {@link Kind#FILE} target, with the default
     * permissions of a new file (not {@code Files.createTempFile}'s 0600, which the published file
     * would keep), never clobbering an existing file. Removes the leftovers of dead runs first.
     */
    public Path newTemporary() throws IOException {
        if (kind != Kind.FILE) {
            throw new IllegalStateException(path + " is written straight through, without a temporary file");
        }
        removeLeftovers();
        String prefix = prefix(path) + ProcessHandle.current().pid() + ".";
        for (int attempt = 0; ; attempt++) {
            Path temp = path.resolveSibling(prefix
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + SUFFIX);
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 99) {
                    throw e;
                }
            }
        }
    }

    /** {@code .<name, at most 120 UTF-8 bytes>.}: the start of every temporary name of {@code target}. */
    private static String prefix(Path target) {
        String name = target.getFileName().toString();
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return "." + name + ".";
    }

    /**
     * Deletes the temporary files that runs writing this target left behind when they were killed:
     * those named {@code .<name>.<pid>.<random>.tmp} whose process no longer exists. A file such a
     * run had set aside ({@code ... .tmp.old}) is put back if the target is missing, else deleted.
     * Best effort: a file that cannot be listed or deleted is left.
     */
    public void removeLeftovers() {
        if (kind != Kind.FILE) {
            return;
        }
        String prefix = prefix(path);
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(path.getParent(),
                p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                String rest = name.substring(prefix.length());
                boolean setAside = rest.endsWith(SUFFIX + SET_ASIDE);
                if (!setAside && !rest.endsWith(SUFFIX)) {
                    continue;
                }
                long pid = pid(rest);
                if (pid < 0 || ProcessHandle.of(pid).isPresent()) {
                    continue;
                }
                try {
                    if (setAside && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(p, path, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException | RuntimeException e) {
                    // best effort
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the directory cannot be listed
        }
    }

    /** The pid in {@code <pid>.<random>.tmp[.old]}, or -1 if the name has another form. */
    private static long pid(String rest) {
        int dot = rest.indexOf('.');
        if (dot < 1 || dot > 19) {
            return -1;
        }
        for (int i = 0; i < dot; i++) {
            if (rest.charAt(i) < '0' || rest.charAt(i) > '9') {
                return -1;
            }
        }
        int second = rest.indexOf('.', dot + 1);
        if (second < dot + 2) {
            return -1;
        }
        for (int i = dot + 1; i < second; i++) {
            char c = rest.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return -1;
            }
        }
        return Long.parseLong(rest, 0, dot, 10);
    }

    /** Gives {@code temp} the permissions of the existing target, if there is one (POSIX only). */
    public void copyPermissionsTo(Path temp) throws IOException {
        PosixFileAttributeView from = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView to = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (from == null || to == null) {
            return;
        }
        PosixFileAttributes a;
        try {
            a = from.readAttributes();
        } catch (NoSuchFileException e) {
            return;
        }
        if (a.isRegularFile()) {
            to.setPermissions(a.permissions());
        }
    }

    /**
     * Checks, just before a temporary file is moved onto it, that the target is still a regular
     * file or absent: nothing else is ever replaced.
     */
    public void checkReplaceable() throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new IOException(path + (a.isDirectory() ? " is a directory" : " is not a regular file")
                        + ": not replaced");
            }
        } catch (NoSuchFileException e) {
            // will be created
        }
    }

    /** Moves {@code from} onto {@code to} atomically where the file system can, else replacing. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes {@code data} to {@code target} as a whole: through a temporary file and an atomic move
     * for a regular file (the target is unchanged if this fails), straight through for a device or
     * pipe.
     */
    public static void write(Path target, byte[] data) throws IOException {
        OutputTarget t = of(target);
        if (t.isStream()) {
            try (FileChannel ch = FileChannel.open(t.path, StandardOpenOption.WRITE)) {
                writeFully(ch, data);
            }
            return;
        }
        Path temp = t.newTemporary();
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(ch, data);
                ch.force(true);
            }
            t.copyPermissionsTo(temp);
            t.checkReplaceable();
            move(temp, t.path);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeFully(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public String toString() {
        return requested + (kind == Kind.STREAM ? " (written straight through)" : "");
    }
}
