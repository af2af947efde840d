"""torchaudio's log-mel throughput on one thread, to set beside hark's JMH numbers (see BENCHMARKS.md).

Same parameters as hark's default front end; prints audio-seconds per second, median of several rounds, for:
  - 1 s windows, one window per call (as a service scoring one window at a time would);
  - 1 s windows, a batch of 32 windows per call (a [32, 16000] tensor);
  - a continuous 10 s signal in one call;
each with autograd on (torch's default) and under torch.inference_mode().
Needs Debian's python3-torchaudio (torchaudio 0.13.1): /usr/bin/python3 docs/bench/torchaudio_logmel.py [ROUNDS]
"""
import statistics
import sys
import time

import torch
import torchaudio

torch.set_num_threads(1)
mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, n_mels=40,
                                           f_min=20.0, f_max=7600.0, power=2.0, center=False, mel_scale="htk")
gen = torch.Generator().manual_seed(1)
second = 0.1 * torch.randn(16000, generator=gen)
batch = 0.1 * torch.randn(32, 16000, generator=gen)
ten = second.repeat(10)


def rate(fn, audio_seconds, seconds=2.0):
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n * audio_seconds / (time.perf_counter() - start)


def one_second():
    torch.log(mel(second) + 1e-6)


def batched():
    torch.log(mel(batch) + 1e-6)


def continuous():
    torch.log(mel(ten) + 1e-6)


CASES = [("1 s windows", one_second, 1.0), ("batch of 32 windows", batched, 32.0), ("continuous 10 s", continuous, 10.0)]

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
for _, fn, _ in CASES:  # warm up
    rate(fn, 1.0, 0.3)
results = {}
for mode in ("autograd", "inference_mode"):
    for name, fn, seconds in CASES:
        if mode == "inference_mode":
            with torch.inference_mode():
                values = [rate(fn, seconds) for _ in range(rounds)]
        else:
            values = [rate(fn, seconds) for _ in range(rounds)]
        results[(mode, name)] = values
print(f"torchaudio {torchaudio.__version__} (torch {torch.__version__}), 1 thread, audio-s/s, median of {rounds}:")
for (mode, name), values in results.items():
    print(f"  {mode:15s} {name:20s} {statistics.median(values):8.0f}   ({', '.join(f'{x:.0f}' for x in values)})")
