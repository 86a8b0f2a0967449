package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the JNA {@link Structure} layouts with what the C compiler computes from
 * {@code <libcryptsetup.h>}: a wrong offset would pass garbage to the library silently.
 */
class StructLayoutTest {
    private static final Path HEADER = Path.of("/usr/include/libcryptsetup.h");

    @TempDir
    Path dir;

    @Test
    void jnaLayoutsMatchTheCHeader() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(HEADER),
                "skipped: " + HEADER + " missing; install libcryptsetup-dev to check struct layouts");
        Assumptions.assumeTrue(onPath("gcc"), "skipped: gcc missing; install gcc to check struct layouts");

        Map<String, Layout> jna = new LinkedHashMap<>();
        jna.put("crypt_pbkdf_type", new Layout(new Pbkdf()));
        jna.put("crypt_params_luks2", new Layout(new Luks2()));
        jna.put("crypt_params_reencrypt", new Layout(new Reencrypt()));

        StringBuilder program = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <libcryptsetup.h>\n"
                + "int main(void) {\n");
        jna.forEach((struct, layout) -> {
            program.append("printf(\"").append(struct).append(" sizeof %zu\\n\", sizeof(struct ").append(struct).append("));\n");
            for (String field : layout.structure.fields()) {
                program.append("printf(\"").append(struct).append(' ').append(field).append(" %zu\\n\", offsetof(struct ")
                        .append(struct).append(", ").append(field).append("));\n");
            }
        });
        program.append("return 0; }\n");
        Path source = dir.resolve("layout.c");
        Path binary = dir.resolve("layout");
        Files.writeString(source, program);
        assertThat(run(List.of("gcc", "-o", binary.toString(), source.toString()))).isEmpty();
        String[] lines = run(List.of(binary.toString())).split("\n");

        Map<String, Long> expected = new LinkedHashMap<>();
        for (String line : lines) {
            int cut = line.lastIndexOf(' ');
            expected.put(line.substring(0, cut), Long.parseLong(line.substring(cut + 1)));
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        jna.forEach((struct, layout) -> {
            actual.put(struct + " sizeof", (long) layout.structure.size());
            for (String field : layout.structure.fields()) {
                actual.put(struct + " " + field, (long) layout.structure.offsetOf(field));
            }
        });
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).containsEntry("crypt_params_reencrypt sizeof", 64L)
                .containsEntry("crypt_params_luks2 sector_size", 40L);
    }

    private static boolean onPath(String tool) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private interface Inspectable {
        List<String> fields();

        int offsetOf(String field);

        int size();
    }

    private record Layout(Inspectable structure) {}

    private static final class Pbkdf extends CryptPbkdfType implements Inspectable {
        public List<String> fields() {
            return getFieldOrder();
        }

        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    private static final class Luks2 extends CryptParamsLuks2 implements Inspectable {
        public List<String> fields() {
            return getFieldOrder();
        }

        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    private static final class Reencrypt extends CryptParamsReencrypt implements Inspectable {
        public List<String> fields() {
            return getFieldOrder();
        }

        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }
}
