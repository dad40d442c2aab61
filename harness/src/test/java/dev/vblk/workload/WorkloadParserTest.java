package dev.vblk.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadParserTest {

    @TempDir
    Path directory;

    private static WorkloadSyntaxException error(String text) {
        return assertThrows(WorkloadSyntaxException.class, () -> Workload.parse("w", text));
    }

    @Test
    void everyStepKindParses() {
        Workload workload = Workload.parse("all", """
                # a comment line

                read 0 1
                write 0x10 2 pattern=complement   # trailing comment
                write 5 1 byte=0xA5
                write 6 1 byte=7
                flush
                discard 100 0x40
                write-zeroes 200 8
                secure-erase 300 0x10
                get-id
                get-lifetime
                submit secure-erase 4 4
                submit get-lifetime
                reset
                device 1
                queue 3
                \tread\t3\t4
                """);
        assertEquals(List.of(
                new Step.Read(0, 1),
                new Step.Write(16, 2, new WriteData.Pattern(NamedPattern.COMPLEMENT)),
                new Step.Write(5, 1, new WriteData.Fill((byte) 0xa5)),
                new Step.Write(6, 1, new WriteData.Fill((byte) 7)),
                new Step.Flush(),
                new Step.Discard(100, 64),
                new Step.WriteZeroes(200, 8),
                new Step.SecureErase(300, 16),
                new Step.GetId(),
                new Step.GetLifetime(),
                new Step.Submit(new Step.SecureErase(4, 4)),
                new Step.Submit(new Step.GetLifetime()),
                new Step.Reset(),
                new Step.SelectDevice(1),
                new Step.SelectQueue(3),
                new Step.Read(3, 4)), workload.steps());
        assertEquals("all", workload.name());
        assertTrue(workload.seed().isEmpty());
    }

    @Test
    void readsMaySaveTheirBytesAndFileDataMayStartAtAnOffset() throws IOException {
        byte[] data = new byte[1536];
        data[512] = 42;
        Files.write(directory.resolve("data.bin"), data);
        Workload workload = WorkloadParser.parse("w", "read 3 4 save=out.bin\nwrite 0 1 file=data.bin from=512\n", directory);
        assertEquals(new Step.Read(3, 4, java.util.Optional.of(directory.resolve("out.bin"))), workload.steps().get(0));
        Step.Write write = (Step.Write) workload.steps().get(1);
        assertEquals(42, write.bytes()[0]);
        assertEquals(List.of(directory.resolve("out.bin")), workload.savedFiles());
        assertEquals(List.of(directory.resolve("data.bin")), workload.dataFiles());
        assertEquals(workload.steps(), WorkloadParser.parse("again", workload.canonicalText(), directory).steps());
    }

    @Test
    void savingAndOffsetsAreChecked() throws IOException {
        Files.write(directory.resolve("data.bin"), new byte[1024]);
        assertTrue(error("submit read 0 1 save=x").getMessage().contains("a submitted read cannot be saved"));
        assertTrue(error("read 0 1 keep=x").getMessage().contains("expected save=PATH"));
        assertTrue(error("read 0 1 save=").getMessage().contains("expected save=PATH"));
        WorkloadSyntaxException late = assertThrows(WorkloadSyntaxException.class,
                () -> WorkloadParser.parse("w", "write 0 1 file=data.bin from=600", directory));
        assertTrue(late.getMessage().contains("fewer than the 512 bytes"), late.getMessage());
        WorkloadSyntaxException past = assertThrows(WorkloadSyntaxException.class,
                () -> WorkloadParser.parse("w", "write 0 1 file=data.bin from=4096", directory));
        assertTrue(past.getMessage().contains("shorter than the offset 4096"), past.getMessage());
        assertTrue(error("write 0 1 pattern=zeros from=5").getMessage().contains("unexpected 'from=5'"));
    }

    @Test
    void streamStepsParseWithAnyCountAndCheckTheirFileButDoNotReadIt() throws IOException {
        Files.write(directory.resolve("data.bin"), new byte[3 * 512]);
        Workload workload = WorkloadParser.parse("w", "stream read 5 100000000 save=out.bin\n"
                + "stream write 7 2 file=data.bin from=512\nstream read 0 1\n", directory);
        assertEquals(List.of(new Step.StreamRead(5, 100_000_000, java.util.Optional.of(directory.resolve("out.bin"))),
                new Step.StreamWrite(7, 2, directory.resolve("data.bin"), 512),
                new Step.StreamRead(0, 1, java.util.Optional.empty())), workload.steps());
        assertEquals(List.of(directory.resolve("out.bin")), workload.savedFiles());
        assertEquals(List.of(directory.resolve("data.bin")), workload.dataFiles());
        assertEquals(workload.steps(), WorkloadParser.parse("again", workload.canonicalText(), directory).steps());

        WorkloadSyntaxException short_ = assertThrows(WorkloadSyntaxException.class,
                () -> WorkloadParser.parse("w", "stream write 0 3 file=data.bin from=512", directory));
        assertTrue(short_.getMessage().contains("holds 1024 bytes from byte 512, fewer than the 1536 bytes of 3 sectors"),
                short_.getMessage());
        assertTrue(error("stream flush").getMessage().contains("'flush' cannot be streamed; expected read or write"));
        assertTrue(error("stream").getMessage().contains("expected read or write after 'stream'"));
        assertTrue(error("stream write 0 1 pattern=zeros").getMessage().contains("expected the file to write as file=PATH"));
        assertTrue(error("stream read 0 0").getMessage().contains("a sector count must be 1 to"));
        assertTrue(error("stream read 18014398509481983 1").getMessage().contains("a sector number must be 0 to 18014398509481982"));
        assertTrue(error("stream read 10 18014398509481974").getMessage().contains("a sector count must be 1 to 18014398509481973"),
                error("stream read 10 18014398509481974").getMessage());
    }

    @Test
    void canonicalTextParsesToTheSameSteps() {
        Workload workload = WorkloadPreset.STANDARD.workload();
        assertEquals(workload.steps(), Workload.parse("again", workload.canonicalText()).steps());
    }

    @Test
    void writeDataIsWhatTheStepWrites() {
        Step.Write write = (Step.Write) Workload.parse("w", "write 7 2 byte=0x5a").steps().get(0);
        byte[] bytes = write.bytes();
        assertEquals(1024, bytes.length);
        for (byte b : bytes) {
            assertEquals(0x5a, b);
        }
        Step.Write signed = (Step.Write) Workload.parse("w", "write 7 2 pattern=signature").steps().get(0);
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(7, 2), signed.bytes());
    }

    @Test
    void fileDataIsTheFilesFirstSectorsResolvedAgainstTheWorkloadsDirectory() throws IOException {
        byte[] contents = new byte[1536];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = (byte) (i * 13);
        }
        Files.write(directory.resolve("data.bin"), contents);
        Path file = directory.resolve("w.txt");
        Files.writeString(file, "write 3 2 file=data.bin\n");
        Step.Write write = (Step.Write) WorkloadParser.parseFile(file).steps().get(0);
        assertArrayEquals(java.util.Arrays.copyOf(contents, 1024), write.bytes());
        WorkloadSyntaxException tooShort = assertThrows(WorkloadSyntaxException.class,
                () -> WorkloadParser.parse("w", "write 3 4 file=data.bin", directory));
        assertEquals(1, tooShort.line());
        assertEquals(16, tooShort.column());
        assertTrue(tooShort.getMessage().contains("1536 bytes"), tooShort.getMessage());
        WorkloadSyntaxException missing = assertThrows(WorkloadSyntaxException.class,
                () -> WorkloadParser.parse("w", "write 3 1 file=none.bin", directory));
        assertTrue(missing.getMessage().contains("none.bin"), missing.getMessage());
    }

    @Test
    void zoneStepsParseAndAreWrittenAsTheyWereAndAreNotSubmitted() {
        Workload workload = Workload.parse("zones", """
                zone-report 0 8
                zone-open 256
                zone-close 256
                zone-finish 512
                zone-reset 256
                zone-reset-all
                zone-append 256 2 byte=0x5a
                """);
        assertEquals(List.of(
                new Step.ZoneReport(0, 8),
                new Step.ZoneCommand(Step.ZoneAction.OPEN, 256),
                new Step.ZoneCommand(Step.ZoneAction.CLOSE, 256),
                new Step.ZoneCommand(Step.ZoneAction.FINISH, 512),
                new Step.ZoneCommand(Step.ZoneAction.RESET, 256),
                new Step.ZoneResetAll(),
                new Step.ZoneAppend(256, 2, new WriteData.Fill((byte) 0x5a))), workload.steps());
        assertEquals(workload.steps(), Workload.parse("again", workload.canonicalText()).steps());
        assertEquals("w:1:15: a zone count must be 1 to 1024, not 1025", error("zone-report 0 1025").getMessage());
        assertTrue(error("submit zone-open 256").getMessage().contains("'zone-open' cannot be submitted"));
    }

    @Test
    void queueResetParsesTakesNoArgumentAndIsNotSubmitted() {
        Workload workload = Workload.parse("reset", "queue 1\nqueue-reset\nread 0 1\n");
        assertEquals(List.of(new Step.SelectQueue(1), new Step.QueueReset(), new Step.Read(0, 1)), workload.steps());
        assertEquals(workload.steps(), Workload.parse("again", workload.canonicalText()).steps());
        assertEquals("w:1:13: unexpected '1' after the end of the 'queue-reset' step", error("queue-reset 1").getMessage());
        assertTrue(error("submit queue-reset").getMessage().contains("'queue-reset' cannot be submitted"));
    }

    @Test
    void unknownStepNamesItsLineAndColumn() {
        WorkloadSyntaxException e = error("read 0 1\n\n   frobnicate 3\n");
        assertEquals(3, e.line());
        assertEquals(4, e.column());
        assertEquals("w:3:4: unknown step 'frobnicate'; expected one of read, write, flush, discard, write-zeroes, "
                + "secure-erase, get-id, get-lifetime, zone-report, zone-open, zone-close, zone-finish, zone-reset, "
                + "zone-reset-all, zone-append, reset, queue-reset, device, queue, submit, wait, poll, stream", e.getMessage());
    }

    @Test
    void missingArgumentPointsAtTheEndOfTheLine() {
        WorkloadSyntaxException e = error("read 5   # no count");
        assertEquals(1, e.line());
        assertEquals(10, e.column());
        assertTrue(e.getMessage().contains("needs a sector count"), e.getMessage());
    }

    @Test
    void badNumbersAndRangesPointAtTheToken() {
        WorkloadSyntaxException notNumber = error("read x1 1");
        assertEquals(6, notNumber.column());
        assertTrue(notNumber.getMessage().contains("not 'x1'"), notNumber.getMessage());
        assertEquals(8, error("read 1 0").column());
        assertTrue(error("read 1 8193").getMessage().contains("1 to 8192"));
        assertTrue(error("read -1 1").getMessage().contains("sector number must be 0"));
        assertTrue(error("device 32").getMessage().contains("0 to 31"));
        assertTrue(error("discard 0 0x100000000").getMessage().contains("1 to 4294967295"));
    }

    @Test
    void badWriteDataPointsAtTheValue() {
        WorkloadSyntaxException pattern = error("write 1 1 pattern=stripes");
        assertEquals(19, pattern.column());
        assertTrue(pattern.getMessage().contains("signature, complement, zeros"), pattern.getMessage());
        WorkloadSyntaxException fill = error("write 1 1 byte=0x100");
        assertEquals(16, fill.column());
        WorkloadSyntaxException kind = error("write 1 1 random");
        assertEquals(11, kind.column());
        assertTrue(error("write 1 1").getMessage().contains("pattern=NAME, byte=0xNN or file=PATH"));
    }

    @Test
    void extraTokensAreRefused() {
        WorkloadSyntaxException e = error("flush now");
        assertEquals(7, e.column());
        assertTrue(e.getMessage().contains("unexpected 'now'"), e.getMessage());
        assertEquals(10, error("read 1 2 3").column());
    }

    @Test
    void keywordsAreLowerCase() {
        assertEquals(1, error("READ 0 1").column());
    }

    @Test
    void seedMarksAGeneratedWorkload() {
        assertEquals(42, Workload.parse("w", "flush").withSeed(42).seed().getAsLong());
    }
}
