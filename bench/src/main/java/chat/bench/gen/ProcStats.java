package chat.bench.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from /proc (Linux only; -1 when unreadable). */
public final class ProcStats {

  private static long clockTicks = 100;

  private ProcStats() {
  }

  public static void clockTicksPerSecond(long ticks) {
    clockTicks = ticks;
  }

  /** utime + stime of the whole process, in microseconds. */
  public static long cpuMicros(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
      return ticks * 1_000_000L / clockTicks;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** VmRSS in kB. */
  public static long rssKb(long pid) {
    return statusField(pid, "VmRSS:");
  }

  private static long statusField(long pid, String field) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** CPU time the whole machine spent busy (all cores, user+system+irq+steal), in microseconds. */
  public static long machineBusyMicros() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long busy = 0;
          for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
            busy += Long.parseLong(f[i]);
          }
          return busy * 1_000_000L / clockTicks;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Open file descriptors of a process (entries of /proc/PID/fd), or -1. */
  public static long openFds(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return entries.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The soft "Max open files" limit of a process (from /proc/PID/limits), or -1 (also for unlimited). */
  public static long maxOpenFiles(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
        if (line.startsWith("Max open files")) {
          return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  public static boolean alive(long pid) {
    return pid > 0 && Files.exists(Path.of("/proc/" + pid + "/stat"));
  }

  public static long self() {
    return ProcessHandle.current().pid();
  }
}
