"""torchaudio's log-mel throughput on one thread, to set beside hark's JMH numbers (see BENCHMARKS.md).

Same parameters as hark's default front end; prints audio-seconds per second, median of several rounds.
Needs Debian's python3-torchaudio (torchaudio 0.13.1): /usr/bin/python3 docs/bench/torchaudio_logmel.py
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


def continuous():
    torch.log(mel(ten) + 1e-6)


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
for _ in range(2):  # warm up
    rate(one_second, 1.0, 0.5)
w = [rate(one_second, 1.0) for _ in range(rounds)]
c = [rate(continuous, 10.0) for _ in range(rounds)]
print(f"torchaudio {torchaudio.__version__} 1 thread: 1 s windows {statistics.median(w):.0f} audio-s/s"
      f" (rounds {', '.join(f'{x:.0f}' for x in w)}); continuous 10 s {statistics.median(c):.0f} audio-s/s")
