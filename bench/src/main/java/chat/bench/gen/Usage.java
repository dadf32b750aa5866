package chat.bench.gen;

/** Server and generator CPU time and server RSS at one instant. */
final class Usage {

  final long nanos;
  final long serverCpuMicros;
  final long genCpuMicros;
  final long serverRssKb;
  final long machineBusyMicros;

  private Usage(long serverPid) {
    this.nanos = System.nanoTime();
    this.serverCpuMicros = ProcStats.cpuMicros(serverPid);
    this.genCpuMicros = ProcStats.cpuMicros(ProcStats.self());
    this.serverRssKb = ProcStats.rssKb(serverPid);
    this.machineBusyMicros = ProcStats.machineBusyMicros();
  }

  static Usage now(long serverPid) {
    return new Usage(serverPid);
  }

  double seconds(Usage before) {
    return (nanos - before.nanos) / 1e9;
  }

  /** Server CPU µs between two instants; NaN when the pid is unknown. */
  double serverCpuMicros(Usage before) {
    return serverCpuMicros < 0 || before.serverCpuMicros < 0 ? Double.NaN : serverCpuMicros - before.serverCpuMicros;
  }

  /** Server CPU as % of one core. */
  double serverCpuPct(Usage before) {
    return serverCpuMicros(before) / 1e4 / seconds(before);
  }

  double genCpuPct(Usage before) {
    return genCpuMicros < 0 || before.genCpuMicros < 0 ? Double.NaN
      : (genCpuMicros - before.genCpuMicros) / 1e4 / seconds(before);
  }

  /**
   * CPU the rest of the machine used, as % of one core: machine busy time minus server and
   * generator. Kernel network work not charged to either process lands here too, so a few
   * percent is normal; much more means something else competed for the cores.
   */
  double otherCpuPct(Usage before) {
    if (machineBusyMicros < 0 || before.machineBusyMicros < 0 || genCpuMicros < 0) {
      return Double.NaN;
    }
    double server = Double.isFinite(serverCpuMicros(before)) ? serverCpuMicros(before) : 0;
    double other = (machineBusyMicros - before.machineBusyMicros) - server - (genCpuMicros - before.genCpuMicros);
    return Math.max(0, other) / 1e4 / seconds(before);
  }

  double serverRssMb() {
    return serverRssKb < 0 ? Double.NaN : serverRssKb / 1024.0;
  }
}
