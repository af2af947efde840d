package dev.hark.training;

import java.util.Random;

/**
 * The label one training example is drawn for: the labels share the draws evenly, and clips recorded from people, where
 * a training set has them, get slots of their own beside the labels' and are drawn as {@code _unknown_}. On top of the
 * synthesized words, not in their place: in their place (half of the {@code _unknown_} draws) they cut false accepts
 * on real speakers by two thirds but let more synthesized non-keywords through (docs/experiments.md).
 *
 * @param label    index of the label the example is drawn for
 * @param recorded whether the example is drawn from the clips recorded from people
 */
record LabelDraw(int label, boolean recorded) {
    /** Draw slots of the recorded clips, beside each label's one. */
    static final int RECORDED_SLOTS = 1;

    /**
     * Draws one label. Without recorded clips it makes exactly the draws made before they existed, so a seed gives the
     * model it gave then.
     */
    static LabelDraw next(Random random, int labels, int unknown, boolean withRecorded) {
        int slot = random.nextInt(labels + (withRecorded ? RECORDED_SLOTS : 0));
        return slot < labels ? new LabelDraw(slot, false) : new LabelDraw(unknown, true);
    }
}
