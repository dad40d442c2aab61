package dev.vblk.fuzz.msix;

import dev.vblk.fuzz.campaign.CaseRun;
import dev.vblk.fuzz.campaign.CaseSource;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.shrink.ShrinkSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A campaign's MSI-X family ({@code vblk fuzz --family msix}): each case is the {@link MsixCase}
 * drawn from its case seed, run on a fresh fake machine. A failing case is not shrunk or saved: it is
 * small already and repeats from its campaign seed and index, which the campaign prints.
 */
public final class MsixCases implements CaseSource {

    /** What {@link CaseRun#source()} calls these cases. */
    public static final String SOURCE = "msix";

    /** An MSI-X case's outcome; it reaches no register behaviour the campaign's coverage counts. */
    record Run(MsixCase msixCase, MsixCase.Outcome outcome) implements CaseRun {
        @Override
        public String source() {
            return SOURCE;
        }

        @Override
        public long platformCalls() {
            return outcome.platformCalls();
        }

        @Override
        public List<Finding> findings() {
            return outcome.findings();
        }

        @Override
        public BehaviourCoverage coverage() {
            return new BehaviourCoverage();
        }
    }

    @Override
    public CaseRun run(long caseSeed) {
        MsixCase msixCase = MsixCase.generate(caseSeed);
        return new Run(msixCase, msixCase.run());
    }

    @Override
    public FailedCase failure(long index, long caseSeed, CaseRun run, Path folder) {
        MsixCase msixCase = ((Run) run).msixCase();
        return new FailedCase(index, caseSeed, "msix-" + Long.toUnsignedString(caseSeed, 16), SOURCE,
                "MSI-X case of seed " + Long.toUnsignedString(caseSeed, 16) + ": " + msixCase, run.findings(),
                new ShrinkSize(0, msixCase.faults().size(), 0, msixCase.capabilityBytes().size()),
                "not shrunk (an MSI-X case repeats from its seed)", Optional.empty(), Optional.empty());
    }

    /** True: a case is drawn from its seed alone, on a machine of its own. */
    @Override
    public boolean independent() {
        return true;
    }

    @Override
    public String describe() {
        return "MSI-X cases (a fake virtio-blk-pci function whose vectors and capability misbehave)";
    }
}
