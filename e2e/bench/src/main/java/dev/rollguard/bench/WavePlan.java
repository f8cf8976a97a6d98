package dev.rollguard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which Deployments a wave deploys and which of them breach: a share of the fleet (at least {@code
 * breaching}), chosen at random with a seed fixed by the size and the wave's number, so every
 * controller measured at one size gets the same wave.
 */
record WavePlan(List<String> deploys, List<String> breaching, String image) {

  static WavePlan of(List<String> fleet, BenchOptions options, int number) {
    int size = fleet.size();
    int deploys =
        Math.min(size, Math.max(options.breaching, (int) Math.round(size * options.waveShare)));
    int breaching = Math.min(options.breaching, deploys);
    List<String> chosen = new ArrayList<>(fleet);
    Collections.shuffle(chosen, new Random(31L * size + number));
    List<String> wave = List.copyOf(chosen.subList(0, deploys));
    return new WavePlan(wave, wave.subList(0, breaching), "bench/app:1." + number + ".0");
  }

  List<String> passing() {
    return deploys.subList(breaching.size(), deploys.size());
  }
}
