package dev.vblk.replay;

import dev.vblk.trace.ReadAheadReader;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * A trace a replay reads from its first event as often as it needs: a file, opened again for each
 * pass and read as a stream, or a trace already in memory. A replay of a file therefore holds only
 * what each pass keeps, whatever the trace's length.
 */
sealed interface TraceSource {

    /** The trace's metadata. */
    TraceMetadata metadata();

    /** A new pass from the first event; the caller closes it. */
    Pass open();

    /**
     * One reading of the trace. Reading a file may throw {@link dev.vblk.trace.TraceFormatException}
     * (damaged, or cut short when it must be complete) or {@link java.io.UncheckedIOException}.
     */
    interface Pass extends Iterator<TraceEvent>, AutoCloseable {

        /** Once every event was read: whether the trace ends with its end marker. */
        boolean complete();

        /**
         * The position of the event {@link #next()} returned last among all the threads' events of
         * the trace (thread switches not counted); a pass over the whole trace numbers them as it
         * reads them, so only a {@link ThreadView} gives anything else.
         */
        default long ordinal() {
            return -1;
        }

        @Override
        void close();

        /** A pass over events in memory. */
        static Pass over(List<TraceEvent> events, boolean complete) {
            return of(events.iterator(), () -> complete, () -> { });
        }

        /** A pass over {@code events}; {@code complete} and {@code close} as {@link #complete()} and {@link #close()}. */
        private static Pass of(Iterator<TraceEvent> events, BooleanSupplier complete, Runnable close) {
            return new Pass() {
                @Override
                public boolean hasNext() {
                    return events.hasNext();
                }

                @Override
                public TraceEvent next() {
                    return events.next();
                }

                @Override
                public boolean complete() {
                    return complete.getAsBoolean();
                }

                @Override
                public void close() {
                    close.run();
                }
            };
        }
    }

    /**
     * The trace in {@code path}, read in {@code mode}, each pass decoded ahead on a thread of its own
     * when {@code readAhead} says so; its header is read once here, by the reader the first pass
     * goes on with.
     */
    static TraceSource of(Path path, TraceReader.Mode mode, boolean readAhead) {
        TraceFile file = new TraceFile(path, mode);
        return new FileSource(file, file.open(), readAhead);
    }

    /** A trace already in memory. */
    static TraceSource of(Trace trace) {
        return new InMemory(trace);
    }

    /**
     * A trace file. A pass reads and decodes it on a thread of its own ahead of the replay
     * ({@link ReadAheadReader}), or on the replay's thread without {@code readAhead}; a pass of one thread of a replay of several ({@link ThreadView})
     * reads it on the replay's thread, where the replay's stall check sees the thread run while it
     * reads. The first pass reads on from the header read for the metadata; later passes open the
     * file again.
     */
    final class FileSource implements TraceSource {
        private final TraceFile file;
        private final TraceMetadata metadata;
        private final boolean readAhead;
        /** The reader whose header gave the metadata, until the first pass takes it over. */
        private TraceReader unread;

        private FileSource(TraceFile file, TraceReader first, boolean readAhead) {
            this.file = file;
            this.metadata = first.metadata();
            this.readAhead = readAhead;
            this.unread = first;
        }

        @Override
        public TraceMetadata metadata() {
            return metadata;
        }

        @Override
        public Pass open() {
            if (!readAhead) {
                return openOnThisThread();
            }
            ReadAheadReader reader = ReadAheadReader.over(reader());
            return Pass.of(reader, reader::isComplete, reader::close);
        }

        /** A pass read on the calling thread. */
        Pass openOnThisThread() {
            TraceReader reader = reader();
            return Pass.of(reader, reader::isComplete, reader::close);
        }

        /** The reader of a new pass: the header's own for the first, a new one after. */
        private synchronized TraceReader reader() {
            TraceReader reader = unread;
            unread = null;
            return reader != null ? reader : file.open();
        }
    }

    /**
     * The events one thread of a recorded run made (format 3): the thread switches and the other
     * threads' events are left out, and each pass says where each event stands among all the threads'
     * events ({@link Pass#ordinal()}).
     */
    record ThreadView(TraceSource trace, int thread) implements TraceSource {
        @Override
        public TraceMetadata metadata() {
            return trace.metadata();
        }

        @Override
        public Pass open() {
            Pass all = trace instanceof FileSource file ? file.openOnThisThread() : trace.open();
            return new Pass() {
                private int current;
                private long read = -1;
                private long ordinal = -1;
                private TraceEvent ahead;

                @Override
                public boolean hasNext() {
                    while (ahead == null && all.hasNext()) {
                        TraceEvent event = all.next();
                        if (event instanceof TraceEvent.ThreadSwitch threadSwitch) {
                            current = threadSwitch.thread();
                            continue;
                        }
                        read++;
                        if (current == thread) {
                            ahead = event;
                        }
                    }
                    return ahead != null;
                }

                @Override
                public TraceEvent next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    TraceEvent event = ahead;
                    ahead = null;
                    ordinal = read;
                    return event;
                }

                @Override
                public long ordinal() {
                    return ordinal;
                }

                @Override
                public boolean complete() {
                    return all.complete();
                }

                @Override
                public void close() {
                    all.close();
                }
            };
        }
    }

    /** A trace in memory. */
    record InMemory(Trace trace) implements TraceSource {
        @Override
        public TraceMetadata metadata() {
            return trace.metadata();
        }

        @Override
        public Pass open() {
            return Pass.over(trace.events(), trace.complete());
        }
    }
}
