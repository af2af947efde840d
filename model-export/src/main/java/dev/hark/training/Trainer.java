package dev.hark.training;

import dev.hark.evaluation.Evaluation;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.Precision;
import dev.hark.model.TensorFlowDevices;
import dev.hark.audio.FeatureSpec;
import dev.hark.audio.LogMelExtractor;
import dev.hark.data.KeywordDataset;
import dev.hark.data.KeywordDataset.Example;
import dev.hark.data.KeywordDataset.Split;
import dev.hark.data.Noise;
import dev.hark.data.TelephoneChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains {@link KeywordCnn} on a {@link KeywordDataset} with the shared log-mel front end, augmenting on the fly
 * (random time shift, background noise at random SNRs), sampling labels evenly, keeping the weights of the best
 * validation epoch, and exports an inference-only SavedModel plus its {@link ModelContract}.
 */
public final class Trainer {
    public static final List<String> SPEECH_COMMANDS_LABELS = java.util.stream.Stream.concat(
            dev.hark.data.DatasetSynthesizer.KEYWORDS.stream(),
            java.util.stream.Stream.of(KeywordDataset.UNKNOWN, KeywordDataset.SILENCE)).toList();
    public static final String INPUT_NAME = "mel";
    public static final String OUTPUT_NAME = "probabilities";

    /** Key of the training summary that names the precision a model was trained in ({@link Precision#key()}). */
    public static final String PRECISION_KEY = "precision";

    /** Most towers a model may average: each adds one CNN's training and inference. */
    public static final int MAX_TOWERS = 4;

    /** Weight of the distillation term in each distilled tower's loss (the labels' term has the rest). */
    static final float DISTILLATION_WEIGHT = 0.5f;
    /** Temperature that softens the towers' averaged predictions and each tower's own, in the distillation term. */
    static final float DISTILLATION_TEMPERATURE = 2f;
    /** Key of the training summary that says how many towers taught the exported one. */
    public static final String DISTILLED_FROM_KEY = "distilled_from_towers";

    /**
     * Training settings. {@code towers} CNNs, each from its own initial weights, train side by side on the same
     * batches, and the model averages their log-probabilities: an ensemble in one SavedModel, at that many times the
     * work per window. {@code distill} CNNs (more than one; only with one tower) train side by side, each learning
     * from the labels and from their averaged predictions, and the first alone is exported: an ensemble's training,
     * one tower's work per window. {@code telephone}: the share of training windows heard through a random
     * {@link TelephoneChannel} (0: none, and no random draw for it, so older recipes train as they did). {@code front}:
     * what the graph does to a window before the convolutions.
     */
    public record Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                         boolean repeatable, int towers, List<Integer> channels, Precision precision, int distill,
                         double telephone, KeywordCnn.Front front) {
        public Config {
            front = java.util.Objects.requireNonNull(front, "front");
            if (!(telephone >= 0 && telephone <= 1)) {
                throw new IllegalArgumentException("telephone is a share of windows, 0 to 1, got " + telephone);
            }
            if (epochs < 1 || batchSize < 1 || learningRate <= 0 || patience < 1) {
                throw new IllegalArgumentException("epochs, batchSize, patience and learningRate must be positive");
            }
            if (towers < 1 || towers > MAX_TOWERS) {
                throw new IllegalArgumentException("towers must be in [1, " + MAX_TOWERS + "], got " + towers);
            }
            if (distill < 1 || distill > MAX_TOWERS) {
                throw new IllegalArgumentException("distill must be in [1, " + MAX_TOWERS + "], got " + distill);
            }
            if (distill > 1 && towers > 1) {
                throw new IllegalArgumentException("distill exports one tower: it cannot be combined with towers "
                        + towers + "; choose one of them");
            }
            channels = List.copyOf(channels);
            KeywordCnn.params(1, channels);
            precision = java.util.Objects.requireNonNull(precision, "precision");
        }

        /** The current front. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable, int towers, List<Integer> channels, Precision precision, int distill,
                      double telephone) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, towers, channels, precision,
                    distill, telephone, KeywordCnn.Front.CURRENT);
        }

        /** No telephone channel. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable, int towers, List<Integer> channels, Precision precision, int distill) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, towers, channels, precision,
                    distill, 0);
        }

        /** Towers with these channels in this precision, none distilled. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable, int towers, List<Integer> channels, Precision precision) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, towers, channels, precision, 1);
        }

        /** CNNs trained side by side: the towers of an ensemble, or the teachers of a distilled tower. */
        int trainedTowers() {
            return Math.max(towers, distill);
        }

        /** Towers with the default channels, in float32. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable, int towers) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, towers,
                    KeywordCnn.DEFAULT_CHANNELS, Precision.FLOAT32);
        }

        /** Towers with these channels, in float32. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable, int towers, List<Integer> channels) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, towers, channels,
                    Precision.FLOAT32);
        }

        /** One tower. */
        public Config(String name, String version, int epochs, int batchSize, float learningRate, int patience, long seed,
                      boolean repeatable) {
            this(name, version, epochs, batchSize, learningRate, patience, seed, repeatable, 1);
        }

        public static Config defaults() {
            return new Config("keywords", "1", 30, 32, 1e-3f, 10, 42L, true);
        }
    }

    /** One training batch: {@code labels.length} windows of features, one after another, and their labels. */
    private record Batch(float[] features, int[] labels) {
    }

    /** One line of the training log. */
    public record EpochStats(int epoch, double loss, double trainAccuracy, double validationAccuracy, long millis) {
    }

    /** What training produced. */
    public record Outcome(ModelContract contract, Evaluation test, List<EpochStats> epochs) {
    }

    private final FeatureSpec spec = FeatureSpec.DEFAULT;
    private final List<String> labels;
    private final Config config;

    public Trainer(List<String> labels, Config config) {
        this.labels = List.copyOf(labels);
        this.config = config;
    }

    public Outcome train(KeywordDataset data, Path outDir, Consumer<String> log) throws IOException {
        requireNoSavedModel(outDir); // before the training, not after it
        LogMelExtractor extractor = new LogMelExtractor(spec);
        SpectrogramWarp warp = new SpectrogramWarp(spec);
        TelephoneChannel telephone = config.telephone() > 0 ? new TelephoneChannel(spec.sampleRate()) : null;
        Precision precision = config.precision().resolve();
        int windowFrames = spec.frameCount(spec.sampleRate());
        int windowSize = windowFrames * spec.featuresPerFrame();
        List<Example> train = data.split(Split.TRAIN);
        List<Example> validation = data.split(Split.VALIDATION);
        if (validation.isEmpty()) {
            throw new IOException("the dataset has no validation clips (validation_list.txt)");
        }
        Map<String, List<Example>> byLabel = new LinkedHashMap<>();
        for (String label : labels) {
            byLabel.put(label, train.stream().filter(e -> e.label().equals(label)).toList());
        }
        Random random = new Random(config.seed());
        // Other words, to mix quietly under a clip: speech in the background, as in a room with people in it.
        List<Example> babble = byLabel.getOrDefault(KeywordDataset.UNKNOWN, List.of());
        List<Example> synthesized = babble.stream().filter(e -> !isRecorded(e)).toList();
        // Drawn at their own share only beside synthesized words; alone they are simply the _unknown_ clips.
        List<Example> recorded = synthesized.isEmpty() ? List.of() : babble.stream().filter(Trainer::isRecorded).toList();
        if (!recorded.isEmpty()) {
            byLabel.put(KeywordDataset.UNKNOWN, synthesized);
            log.accept(String.format(java.util.Locale.ROOT, "%d clips recorded from people: %d draw slot(s) beside the"
                    + " %d labels', as %s", recorded.size(), LabelDraw.RECORDED_SLOTS, labels.size(), KeywordDataset.UNKNOWN));
        }
        int unknown = labels.indexOf(KeywordDataset.UNKNOWN);
        float[] validationFeatures = features(extractor, validation, windowSize);
        int[] validationLabels = validation.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();

        Map<String, float[]> best = null;
        double bestAccuracy = -1;
        List<EpochStats> history = new ArrayList<>();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> mel = tf.withName(INPUT_NAME).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, windowFrames, spec.featuresPerFrame())));
            Placeholder<TInt32> target = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> oneHot = tf.oneHot(target, tf.constant(labels.size()), tf.constant(1f), tf.constant(0f));
            // Every tower's variables, keyed by their exported names; each tower learns from its own loss only.
            Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
            List<Operand<TFloat32>> towerLogits = new ArrayList<>();
            for (int tower = 0; tower < config.trainedTowers(); tower++) {
                String prefix = KeywordCnn.towerPrefix(tower);
                Map<String, float[]> initial = new LinkedHashMap<>();
                KeywordCnn.initialValues(labels.size(), config.channels(), config.seed() + 1000L * tower)
                        .forEach((name, value) -> initial.put(prefix + name, value));
                Map<String, Variable<TFloat32>> towerVars = KeywordCnn.variables(tf, labels.size(), config.channels(),
                        initial, tower);
                towerVars.forEach((name, variable) -> vars.put(prefix + name, variable));
                towerLogits.add(KeywordCnn.logits(tf, mel, towerVars, config.front()));
            }
            Operand<TFloat32> loss = config.distill() > 1 ? distillationLoss(tf, towerLogits, oneHot)
                    : labelLoss(tf, towerLogits, oneHot);
            // What is exported, and so what validation chooses by: the ensemble, or the first tower alone.
            Operand<TFloat32> probabilities = KeywordCnn.probabilities(tf,
                    config.distill() > 1 ? towerLogits.subList(0, 1) : towerLogits, null);
            Placeholder<TFloat32> learningRate = tf.withName("learning_rate").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            Op minimize = adam(tf, loss, vars, learningRate);
            // One thread per op, and one op at a time per tower: TensorFlow's multi-threaded reductions sum in varying
            // order, and a fixed seed must give the same model every run. Towers share no variable, so they may run
            // side by side.
            // In bfloat16, the convolutions and their gradients (the bulk of a step) run at oneDNN's bfloat16 speed;
            // the variables, Adam's moments and the loss stay float32.
            org.tensorflow.proto.ConfigProto single = TensorFlowDevices.withPrecision(org.tensorflow.proto.ConfigProto
                    .newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(config.trainedTowers()),
                    precision).build();
            org.tensorflow.proto.ConfigProto shared = TensorFlowDevices.withPrecision(
                    org.tensorflow.proto.ConfigProto.newBuilder(), precision).build();
            // The next batch is made on a second thread while TensorFlow trains on this one. Every random draw is
            // made there, in the order it was made before, so a seed still gives the same model.
            List<Noise.Bed> noiseBeds = data.backgroundNoise().stream().map(Noise.Bed::of).toList();
            Supplier<Batch> makeBatch = () -> {
                float[] features = new float[config.batchSize() * windowSize];
                int[] batchLabels = new int[config.batchSize()];
                for (int b = 0; b < config.batchSize(); b++) {
                    LabelDraw draw = LabelDraw.next(random, labels.size(), unknown, !recorded.isEmpty());
                    int label = draw.label();
                    List<Example> pool = draw.recorded() ? recorded : byLabel.get(labels.get(label));
                    Example example = pool.get(random.nextInt(pool.size()));
                    float[] audio = augment(example, noiseBeds, babble, random);
                    if (telephone != null && random.nextDouble() < config.telephone()) {
                        audio = telephone.apply(audio, random);
                    }
                    float[] frames = extractor.extract(audio);
                    warp.apply(frames, windowFrames, random);
                    specAugment(frames, windowFrames, spec.featuresPerFrame(), random);
                    System.arraycopy(frames, 0, features, b * windowSize, windowSize);
                    batchLabels[b] = label;
                }
                return new Batch(features, batchLabels);
            };
            try (Session session = new Session(graph, config.repeatable() ? single : shared);
                 Prefetcher<Batch> batches = new Prefetcher<>("hark-training-batches", 2, makeBatch)) {
                session.initialize();
                int stepsPerEpoch = Math.max(1, train.size() / config.batchSize());
                int totalSteps = stepsPerEpoch * config.epochs();
                int globalStep = 0;
                int sinceBest = 0;
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    long start = System.currentTimeMillis();
                    double lossSum = 0;
                    long correct = 0;
                    for (int step = 0; step < stepsPerEpoch; step++) {
                        Batch batch = batches.next();
                        int[] batchLabels = batch.labels();
                        try (TFloat32 x = TFloat32.tensorOf(Shape.of(config.batchSize(), windowFrames, spec.featuresPerFrame()),
                                DataBuffers.of(batch.features(), true, false));
                             TInt32 y = TInt32.vectorOf(batchLabels);
                             TFloat32 lr = TFloat32.scalarOf(learningRateAt(globalStep++, stepsPerEpoch, totalSteps));
                             Result r = session.runner().feed(mel, x).feed(target, y).feed(learningRate, lr)
                                     .addTarget(minimize).fetch(loss).fetch(probabilities).run()) {
                            lossSum += ((TFloat32) r.get(0)).getFloat();
                            TFloat32 p = (TFloat32) r.get(1);
                            for (int b = 0; b < config.batchSize(); b++) {
                                if (argMaxRow(p, b, labels.size()) == batchLabels[b]) {
                                    correct++;
                                }
                            }
                        }
                    }
                    double validationAccuracy = accuracy(session, mel, probabilities, validationFeatures,
                            validationLabels, windowFrames);
                    EpochStats stats = new EpochStats(epoch, lossSum / stepsPerEpoch,
                            correct / (double) (stepsPerEpoch * config.batchSize()), validationAccuracy,
                            System.currentTimeMillis() - start);
                    history.add(stats);
                    log.accept(String.format(java.util.Locale.ROOT,
                            "epoch %2d/%d  loss %.4f  train acc %.3f  val acc %.3f  %.1fs", epoch, config.epochs(),
                            stats.loss(), stats.trainAccuracy(), stats.validationAccuracy(), stats.millis() / 1000.0));
                    if (validationAccuracy > bestAccuracy) {
                        bestAccuracy = validationAccuracy;
                        best = readVariables(session, exported(vars));
                        sinceBest = 0;
                    } else if (++sinceBest >= config.patience()) {
                        log.accept("early stop: no validation gain in " + config.patience() + " epochs");
                        break;
                    }
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("train_clips", train.size());
        summary.put("validation_clips", validation.size());
        summary.put("test_clips", data.split(Split.TEST).size());
        summary.put("epochs_run", history.size());
        summary.put("batch_size", config.batchSize());
        summary.put("learning_rate", config.learningRate());
        summary.put("learning_rate_schedule", "linear warm-up over epoch 1, cosine decay to 5%");
        summary.put("augmentation", "time shift +-100 ms, another word 15-30 dB under (20%), background noise at 0-30 dB SNR (80%), "
                + "gain +-6 dB, VTLP 0.88-1.12, time stretch 0.8-1.25, band limit 3.4-7 kHz (1 in 6), SpecAugment"
                + (config.telephone() > 0 ? String.format(java.util.Locale.ROOT, ", telephone line (8 kHz, high-pass"
                        + " 100-400 Hz, mu-law on half) on %.0f%% of windows of every label", 100 * config.telephone()) : ""));
        summary.put("patience", config.patience());
        summary.put("seed", config.seed());
        if (config.towers() > 1) {
            summary.put(KeywordCnn.TOWERS_KEY, config.towers());
        }
        if (config.distill() > 1) {
            summary.put(DISTILLED_FROM_KEY, config.distill());
            summary.put("distillation", String.format(java.util.Locale.ROOT,
                    "online: %d towers side by side, each from the labels (weight %.2f) and the towers' averaged"
                            + " log-probabilities at temperature %.0f (weight %.2f); the first tower exported",
                    config.distill(), 1 - DISTILLATION_WEIGHT, DISTILLATION_TEMPERATURE, DISTILLATION_WEIGHT));
        }
        if (!config.channels().equals(KeywordCnn.DEFAULT_CHANNELS)) {
            summary.put(KeywordCnn.CHANNELS_KEY, config.channels());
        }
        summary.put(PRECISION_KEY, precision.key());
        config.front().describe(summary);
        ModelContract contract = ModelContract.logMel(config.name(), config.version(), labels, spec,
                windowFrames, Signature.DEFAULT_KEY, INPUT_NAME, OUTPUT_NAME, summary,
                Map.of("validation_accuracy", bestAccuracy));
        export(best, contract, outDir);
        Evaluation test = evaluate(outDir, data.split(Split.TEST), data::voiceOf, (clip, scores) -> { }, precision);
        if (test.total() > 0) {
            contract = contract.withMetrics(Map.of("validation_accuracy", bestAccuracy, "test_accuracy", test.accuracy()));
            contract.write(outDir);
        }
        TrainingReport.write(outDir, contract, history, test);
        return new Outcome(contract, test, history);
    }

    /** The towers' summed cross-entropies with the labels: each tower learns from its own term only. */
    private static Operand<TFloat32> labelLoss(Ops tf, List<Operand<TFloat32>> towerLogits, Operand<TFloat32> oneHot) {
        Operand<TFloat32> loss = null;
        for (Operand<TFloat32> logits : towerLogits) {
            Operand<TFloat32> towerLoss = crossEntropy(tf, logits, oneHot);
            loss = loss == null ? towerLoss : tf.math.add(loss, towerLoss);
        }
        return loss;
    }

    /**
     * Online distillation (Anil et al. 2018, "Large scale distributed neural network training through online
     * distillation"; Lan et al. 2018, "Knowledge distillation by on-the-fly native ensemble"): each tower learns from
     * the labels and from the softened average of every tower's log-probabilities, the teacher, which is held constant
     * (no gradient flows into it). Each tower so learns what the ensemble knows, and one of them serves alone. The
     * distillation term is scaled by the temperature squared, as Hinton et al. (2015) do, so that its gradients keep
     * their size whatever the temperature.
     */
    private static Operand<TFloat32> distillationLoss(Ops tf, List<Operand<TFloat32>> towerLogits,
                                                      Operand<TFloat32> oneHot) {
        Operand<TFloat32> meanLogProbabilities = null;
        for (Operand<TFloat32> logits : towerLogits) {
            Operand<TFloat32> logProbabilities = tf.nn.logSoftmax(logits);
            meanLogProbabilities = meanLogProbabilities == null ? logProbabilities
                    : tf.math.add(meanLogProbabilities, logProbabilities);
        }
        Operand<TFloat32> inverseTemperature = tf.constant(1f / DISTILLATION_TEMPERATURE);
        Operand<TFloat32> teacher = tf.stopGradient(tf.nn.softmax(tf.math.mul(meanLogProbabilities,
                tf.constant(1f / (towerLogits.size() * DISTILLATION_TEMPERATURE)))));
        Operand<TFloat32> labelWeight = tf.constant(1 - DISTILLATION_WEIGHT);
        Operand<TFloat32> teacherWeight = tf.constant(DISTILLATION_WEIGHT * DISTILLATION_TEMPERATURE
                * DISTILLATION_TEMPERATURE);
        Operand<TFloat32> loss = null;
        for (Operand<TFloat32> logits : towerLogits) {
            Operand<TFloat32> towerLoss = tf.math.add(
                    tf.math.mul(labelWeight, crossEntropy(tf, logits, oneHot)),
                    tf.math.mul(teacherWeight, crossEntropy(tf, tf.math.mul(logits, inverseTemperature), teacher)));
            loss = loss == null ? towerLoss : tf.math.add(loss, towerLoss);
        }
        return loss;
    }

    private static Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets) {
        return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, targets).loss(), tf.constant(0));
    }

    /** The variables a model exports: every tower's, or the first tower's where the others only taught it. */
    private Map<String, Variable<TFloat32>> exported(Map<String, Variable<TFloat32>> vars) {
        if (config.distill() == 1) {
            return vars;
        }
        Map<String, Variable<TFloat32>> first = new LinkedHashMap<>();
        for (KeywordCnn.Param p : KeywordCnn.params(labels.size(), config.channels())) {
            first.put(KeywordCnn.towerPrefix(0) + p.name(), vars.get(KeywordCnn.towerPrefix(0) + p.name()));
        }
        return first;
    }

    /** Linear warm-up over the first epoch, then cosine decay to 5% of the peak rate by the last step. */
    float learningRateAt(int step, int stepsPerEpoch, int totalSteps) {
        float peak = config.learningRate();
        if (step < stepsPerEpoch) {
            return peak * (step + 1) / stepsPerEpoch;
        }
        double progress = (step - stepsPerEpoch) / (double) Math.max(1, totalSteps - stepsPerEpoch);
        return (float) (peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }

    /**
     * Adam (Kingma and Ba) with a learning rate fed each step, built from TensorFlow's ApplyAdam so the schedule can
     * change it: per variable first and second moments, and shared beta powers updated after each step.
     */
    private static Op adam(Ops tf, Operand<TFloat32> loss, Map<String, Variable<TFloat32>> vars, Operand<TFloat32> lr) {
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        List<Variable<TFloat32>> list = new ArrayList<>(vars.values());
        org.tensorflow.op.core.Gradients grads = tf.gradients(loss, list);
        Ops init = tf.withInitScope();
        Variable<TFloat32> beta1Power = init.withName("adam_beta1_power").variable(init.constant(beta1));
        Variable<TFloat32> beta2Power = init.withName("adam_beta2_power").variable(init.constant(beta2));
        // Gate: no variable changes before every gradient is computed. Backprop reads the variables too, so an
        // update racing a read would make the step (and the run) depend on scheduling.
        List<org.tensorflow.op.core.Identity<TFloat32>> gradients = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> g = (Operand<TFloat32>) (Operand<?>) grads.dy(i);
            gradients.add(tf.identity(g));
        }
        Ops gated = tf.withControlDependencies(new ArrayList<Op>(gradients));
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Variable<TFloat32> v = list.get(i);
            Variable<TFloat32> m = init.variable(init.zerosLike(v));
            Variable<TFloat32> s = init.variable(init.zerosLike(v));
            updates.add(gated.train.applyAdam(v, m, s, beta1Power, beta2Power, lr, gated.constant(beta1),
                    gated.constant(beta2), gated.constant(1e-7f), gradients.get(i)));
        }
        Ops after = tf.withControlDependencies(updates);
        Op b1 = after.assign(beta1Power, after.math.mul(beta1Power, after.constant(beta1)));
        Op b2 = after.assign(beta2Power, after.math.mul(beta2Power, after.constant(beta2)));
        return tf.withControlDependencies(List.of(b1, b2)).noOp();
    }

    /**
     * SpecAugment (Park et al. 2019) on one window: up to two time masks of up to 10 frames and up to two frequency
     * masks of up to 5 bands, each set to the window's mean (the model normalises per window, so that is "nothing").
     */
    static void specAugment(float[] frames, int count, int width, Random random) {
        double sum = 0;
        for (float v : frames) {
            sum += v;
        }
        float mean = (float) (sum / frames.length);
        int timeMasks = random.nextInt(3);
        for (int i = 0; i < timeMasks; i++) {
            int len = random.nextInt(11);
            int start = random.nextInt(Math.max(1, count - len));
            for (int f = start; f < Math.min(count, start + len); f++) {
                java.util.Arrays.fill(frames, f * width, (f + 1) * width, mean);
            }
        }
        int freqMasks = random.nextInt(3);
        for (int i = 0; i < freqMasks; i++) {
            int len = random.nextInt(6);
            int start = random.nextInt(Math.max(1, width - len));
            for (int f = 0; f < count; f++) {
                java.util.Arrays.fill(frames, f * width + start, f * width + Math.min(width, start + len), mean);
            }
        }
    }

    /** Scores clips through the exported model, exactly as serving does. */
    public static Evaluation evaluate(Path modelDir, List<Example> examples) throws IOException {
        return evaluate(modelDir, examples, example -> null);
    }

    /** As above, with each clip's voice (speaker) for per-voice accuracy; null where a clip has none. */
    public static Evaluation evaluate(Path modelDir, List<Example> examples,
                                      java.util.function.Function<Example, String> voice) throws IOException {
        return evaluate(modelDir, examples, voice, (clip, scores) -> { });
    }

    /** As above, and each clip with its scores (one per label) handed to {@code eachClip}, in the examples' order. */
    public static Evaluation evaluate(Path modelDir, List<Example> examples,
                                      java.util.function.Function<Example, String> voice,
                                      java.util.function.BiConsumer<Example, float[]> eachClip) throws IOException {
        return evaluate(modelDir, examples, voice, eachClip, Precision.FLOAT32);
    }

    /** As above, with the model run in {@code precision}, as the job would run it. */
    public static Evaluation evaluate(Path modelDir, List<Example> examples,
                                      java.util.function.Function<Example, String> voice,
                                      java.util.function.BiConsumer<Example, float[]> eachClip, Precision precision)
            throws IOException {
        try (AudioClassifier classifier = new AudioClassifier(modelDir, 0, 0, precision).open()) {
            ModelContract contract = classifier.contract();
            LogMelExtractor extractor = new LogMelExtractor(contract.features());
            Evaluation evaluation = new Evaluation(contract.labels());
            int size = classifier.windowSize();
            int batch = 64;
            for (int from = 0; from < examples.size(); from += batch) {
                List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
                float[] input = contract.inputKind() == ModelContract.InputKind.WAVEFORM
                        ? waveforms(part, size) : features(extractor, part, size);
                float[][] scores = classifier.classify(input, part.size());
                for (int i = 0; i < part.size(); i++) {
                    int predicted = AudioClassifier.argMax(scores[i]);
                    evaluation.add(contract.labels().indexOf(part.get(i).label()), predicted, part.get(i).source(),
                            voice.apply(part.get(i)), scores[i][predicted]);
                    eachClip.accept(part.get(i), scores[i]);
                }
            }
            return evaluation;
        }
    }

    /** The first {@code windowSize} samples of each clip (zero-padded if shorter). */
    private static float[] waveforms(List<Example> examples, int windowSize) {
        float[] out = new float[examples.size() * windowSize];
        for (int i = 0; i < examples.size(); i++) {
            float[] x = examples.get(i).samples();
            System.arraycopy(x, 0, out, i * windowSize, Math.min(windowSize, x.length));
        }
        return out;
    }

    private static float[] features(LogMelExtractor extractor, List<Example> examples, int windowSize) {
        float[] out = new float[examples.size() * windowSize];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(extractor.extract(examples.get(i).samples()), 0, out, i * windowSize, windowSize);
        }
        return out;
    }

    /**
     * Random circular shift of up to 100 ms, another word mixed in 15-30 dB under the clip on a fifth of spoken
     * clips, then background noise at 0..30 dB SNR on 80% of clips, and a random gain.
     */
    private static boolean isRecorded(Example example) {
        return example.source().startsWith(dev.hark.data.RecordedSpeech.FOLDER + "/");
    }

    static float[] augment(Example example, List<Noise.Bed> noise, List<Example> babble, Random random) {
        float[] x = example.samples();
        int n = x.length;
        int shift = random.nextInt(n / 5 + 1) - n / 10;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[Math.floorMod(i - shift, n)];
        }
        boolean spoken = !example.label().equals(KeywordDataset.SILENCE);
        if (spoken && !babble.isEmpty() && random.nextDouble() < 0.2) {
            float[] other = babble.get(random.nextInt(babble.size())).samples();
            Noise.mixAtSnr(out, other, 15 + random.nextDouble() * 15, random.nextInt(other.length));
        }
        if (!noise.isEmpty() && random.nextDouble() < 0.8 && spoken) {
            Noise.Bed source = noise.get(random.nextInt(noise.size()));
            Noise.mixAtSnr(out, source, random.nextDouble() * 30, random.nextInt(source.samples().length));
        }
        float gain = (float) Math.pow(10, (random.nextDouble() - 0.5) * 1.2);
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(-1f, Math.min(1f, out[i] * gain));
        }
        return out;
    }

    private static double accuracy(Session session, Placeholder<TFloat32> mel, Operand<TFloat32> probabilities,
                                   float[] features, int[] labels, int windowFrames) {
        int n = labels.length;
        int size = features.length / n;
        int correct = 0;
        int batch = 128;
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            float[] part = java.util.Arrays.copyOfRange(features, from * size, (from + count) * size);
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(count, windowFrames, size / windowFrames), DataBuffers.of(part, true, false));
                 Result r = session.runner().feed(mel, x).fetch(probabilities).run()) {
                TFloat32 p = (TFloat32) r.get(0);
                int classes = (int) p.shape().size(1);
                for (int i = 0; i < count; i++) {
                    if (argMaxRow(p, i, classes) == labels[from + i]) {
                        correct++;
                    }
                }
            }
        }
        return correct / (double) n;
    }

    private static int argMaxRow(TFloat32 p, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p.getFloat(row, c) > p.getFloat(row, best)) {
                best = c;
            }
        }
        return best;
    }

    private static Map<String, float[]> readVariables(Session session, Map<String, Variable<TFloat32>> vars) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
            try (Result r = session.runner().fetch(e.getValue()).run()) {
                TFloat32 t = (TFloat32) r.get(0);
                float[] v = new float[(int) t.size()];
                t.copyTo(DataBuffers.of(v, false, false));
                values.put(e.getKey(), v);
            }
        }
        return values;
    }

    /**
     * Saves a trained {@link KeywordCnn} model again with this version's graph code and the same weights (and the
     * same contract and report): what {@code train} would export now, without training again. The predictions are
     * the same; what changes is how TensorFlow runs them.
     */
    public static void reexport(Path trained, Path outDir) throws IOException {
        ModelContract contract = ModelContract.read(trained);
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(trained.toString(), SavedModelBundle.DEFAULT_TAG)) {
            for (int tower = 0; tower < KeywordCnn.towersOf(contract.training()); tower++) {
                for (KeywordCnn.Param p : KeywordCnn.params(contract.labels().size(),
                        KeywordCnn.channelsOf(contract.training()))) {
                    String name = KeywordCnn.towerPrefix(tower) + p.name();
                    try (Result r = bundle.session().runner().fetch(name).run()) {
                        TFloat32 t = (TFloat32) r.get(0);
                        float[] v = new float[(int) t.size()];
                        t.copyTo(DataBuffers.of(v, false, false));
                        weights.put(name, v);
                    }
                }
            }
        }
        export(weights, contract, outDir);
        try (var files = Files.list(trained)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!Files.exists(outDir.resolve(f.getFileName()))) {
                    Files.copy(f, outDir.resolve(f.getFileName()));
                }
            }
        }
    }

    /** Whether {@code dir} holds a SavedModel, which a training or export must not overwrite. */
    public static boolean holdsSavedModel(Path dir) {
        return Files.exists(dir.resolve("saved_model.pb"));
    }

    private static void requireNoSavedModel(Path outDir) throws IOException {
        if (holdsSavedModel(outDir)) {
            throw new IOException(outDir + " already holds a SavedModel; choose a new directory");
        }
    }

    /** Builds an inference-only graph (no optimizer state) with the given weights and saves it with its contract. */
    static void export(Map<String, float[]> weights, ModelContract contract, Path outDir) throws IOException {
        requireNoSavedModel(outDir);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> mel = tf.withName(contract.inputName()).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, contract.windowFrames(), contract.features().featuresPerFrame())));
            List<Operand<TFloat32>> towerLogits = new ArrayList<>();
            for (int tower = 0; tower < KeywordCnn.towersOf(contract.training()); tower++) {
                Map<String, Variable<TFloat32>> vars = KeywordCnn.variables(tf, contract.labels().size(),
                        KeywordCnn.channelsOf(contract.training()), weights, tower);
                towerLogits.add(KeywordCnn.logits(tf, mel, vars, KeywordCnn.Front.of(contract.training())));
            }
            Operand<TFloat32> probabilities = KeywordCnn.probabilities(tf, towerLogits, contract.outputName());
            try (Session session = new Session(graph)) {
                session.initialize();
                Signature signature = Signature.builder().key(contract.signature())
                        .methodName("tensorflow/serving/predict")
                        .input(contract.inputName(), mel).output(contract.outputName(), probabilities).build();
                SavedModelBundle.exporter(outDir.toString()).withSession(session).withSignature(signature).export();
            }
        }
        contract.write(outDir);
    }
}
