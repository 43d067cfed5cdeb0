/** Pure parsing of /proc/self/cgroup and /proc/self/mountinfo: where this process's cgroups live. */

export interface CgroupMount {
  fstype: 'cgroup' | 'cgroup2';
  /** Where the hierarchy is mounted, e.g. /sys/fs/cgroup/memory. */
  mountPoint: string;
  /** The cgroup path shown at the mount point (not "/" inside containers). */
  root: string;
  /** v1 controllers of this hierarchy (memory, pids, cpu…); empty for cgroup2. */
  controllers: string[];
}

/** `/proc/self/cgroup`: v1 controller (or '' for the v2 hierarchy) → this process's cgroup path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[2] === '') out.set('', m[3]);
    for (const c of m[2].split(',')) if (c) out.set(c, m[3]);
  }
  return out;
}

const unescapeMount = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));

export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const known = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer', 'cpuset', 'blkio', 'devices'];
    mounts.push({
      fstype,
      mountPoint: unescapeMount(fields[4]),
      root: unescapeMount(fields[3]),
      controllers: fstype === 'cgroup' ? superOptions.split(',').filter((o) => known.includes(o)) : [],
    });
  }
  return mounts;
}

/** The directory of our own cgroup in a hierarchy: mount point + our path below the mount's root. */
export function ownCgroupDir(mount: CgroupMount, ownPath: string): string {
  let rel = ownPath;
  if (mount.root !== '/' && (rel === mount.root || rel.startsWith(`${mount.root}/`))) {
    rel = rel.slice(mount.root.length);
  }
  rel = rel.replace(/^\/+/, '').replace(/\/+$/, '');
  return rel ? `${mount.mountPoint}/${rel}` : mount.mountPoint;
}

/** A path segment safe as a cgroup directory name. */
export function cgroupSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_';
}
