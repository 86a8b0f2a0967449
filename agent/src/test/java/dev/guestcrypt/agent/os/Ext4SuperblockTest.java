package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The file-system size read from the superblock equals what dumpe2fs reports, on real images. */
class Ext4SuperblockTest {
    @TempDir
    Path dir;
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void theSizeMatchesDumpe2fsForEachBlockSizeAndAfterAShrink() throws Exception {
        assumeTrue(run("mkfs.ext4", "-V").ok(), "e2fsprogs are not installed");
        for (String blockSize : new String[] {"1024", "4096"}) {
            Path image = dir.resolve("fs-" + blockSize + ".img");
            assertThat(run("truncate", "-s", "96M", image.toString()).ok()).isTrue();
            assertThat(run("mkfs.ext4", "-q", "-F", "-b", blockSize, image.toString()).ok()).isTrue();
            assertThat(Ext4Superblock.sizeBytes(image)).isEqualTo(dumpe2fsSize(image)).isEqualTo(96L << 20);
            // a size that is not a power of two, as after guestcrypt's shrink by the header room
            assertThat(run("resize2fs", image.toString(), (96 * 1024 - 32 * 1024 - 36) + "K").ok()).isTrue();
            assertThat(Ext4Superblock.sizeBytes(image)).isEqualTo(dumpe2fsSize(image)).isLessThan(64L << 20);
        }
    }

    @Test
    void theHighWordOfThe64BitBlockCountCounts() throws Exception {
        assumeTrue(run("mkfs.ext4", "-V").ok(), "e2fsprogs are not installed");
        Path image = dir.resolve("fs.img");
        assertThat(run("truncate", "-s", "64M", image.toString()).ok()).isTrue();
        assertThat(run("mkfs.ext4", "-q", "-F", "-O", "64bit", "-b", "4096", image.toString()).ok()).isTrue();
        ByteBuffer sb = superblock(image);
        sb.putInt(0x150, 1);
        assertThat(Ext4Superblock.sizeBytes(sb)).isEqualTo((64L << 20) + (1L << 32) * 4096);
    }

    @Test
    void somethingElseIsRefusedNotMisread() throws Exception {
        Path image = dir.resolve("zeros.img");
        Files.write(image, new byte[4096]);
        assertThatThrownBy(() -> Ext4Superblock.sizeBytes(image)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0xEF53");
        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[1500]);
        assertThatThrownBy(() -> Ext4Superblock.sizeBytes(tiny)).hasMessageContaining("ends before its superblock");
    }

    private ByteBuffer superblock(Path image) throws Exception {
        ByteBuffer sb = ByteBuffer.allocate(Ext4Superblock.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(image)) {
            channel.read(sb, Ext4Superblock.OFFSET);
        }
        return sb.flip();
    }

    private long dumpe2fsSize(Path image) {
        String out = run("dumpe2fs", "-h", image.toString()).stdout();
        long blocks = Long.parseLong(out.replaceAll("(?s).*\nBlock count:\\s+(\\d+).*", "$1"));
        long size = Long.parseLong(out.replaceAll("(?s).*\nBlock size:\\s+(\\d+).*", "$1"));
        return blocks * size;
    }

    private CommandResult run(String... argv) {
        return runner.run(Command.of(Duration.ofSeconds(60), argv));
    }
}
