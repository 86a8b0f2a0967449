package dev.guestcrypt.nativebind.luks;

/**
 * Key-derivation settings for new keyslots. {@link #libraryDefault()} (argon2id, benchmarked to
 * about 2 s and up to 1 GiB of memory) is the production choice; {@link #cheapForTests()} is
 * PBKDF2 with 1000 iterations and no benchmark, so tests run in milliseconds.
 *
 * @param type            "argon2id", "argon2i" or "pbkdf2"; null means the library default
 * @param hash            hash for pbkdf2 and the digest, e.g. "sha256"
 * @param timeMs          target unlock time when benchmarking; 0 with fixed iterations
 * @param iterations      fixed iterations (pbkdf2) or time cost (argon2) when not benchmarking
 * @param maxMemoryKb     argon2 memory cost in KiB; 0 for pbkdf2
 * @param parallelThreads argon2 threads; 0 for pbkdf2
 * @param benchmark       false: use the given iterations as they are
 */
public record Pbkdf(String type, String hash, int timeMs, int iterations, int maxMemoryKb,
                    int parallelThreads, boolean benchmark) {

    public Pbkdf {
        if (type != null && !type.equals("pbkdf2") && !type.equals("argon2i") && !type.equals("argon2id")) {
            throw new IllegalArgumentException("PBKDF type '" + type
                    + "' is not supported; use argon2id, argon2i or pbkdf2");
        }
        if (type != null && !benchmark && iterations <= 0) {
            throw new IllegalArgumentException("PBKDF iterations must be positive without benchmark, got "
                    + iterations + "; pass a positive count or enable the benchmark");
        }
        if (type != null && type.startsWith("argon2") && !benchmark && (maxMemoryKb <= 0 || parallelThreads <= 0)) {
            throw new IllegalArgumentException("argon2 needs memory (KiB) and threads > 0, got " + maxMemoryKb
                    + " KiB and " + parallelThreads + " threads");
        }
    }

    /** argon2id as libcryptsetup chooses it for LUKS2 (benchmarked). */
    public static Pbkdf libraryDefault() {
        return new Pbkdf(null, null, 0, 0, 0, 0, true);
    }

    /** PBKDF2-SHA256 with 1000 iterations, no benchmark: for tests only, weak. */
    public static Pbkdf cheapForTests() {
        return pbkdf2Iterations(1000);
    }

    public static Pbkdf pbkdf2Iterations(int iterations) {
        return new Pbkdf("pbkdf2", "sha256", 0, iterations, 0, 0, false);
    }

    /** argon2id with fixed costs, no benchmark. */
    public static Pbkdf argon2id(int timeCost, int memoryKb, int threads) {
        return new Pbkdf("argon2id", "sha256", 0, timeCost, memoryKb, threads, false);
    }

    boolean isLibraryDefault() {
        return type == null;
    }
}
