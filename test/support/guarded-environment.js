// A Node test environment that fails a suite which leaves timers, sockets, servers or child
// processes behind: they keep a jest worker alive after its suite, and in a service they are the
// same leaks that keep a process from stopping. Timers are followed through the suite's own
// setTimeout / setInterval (the modules a suite loads use them too); sockets, servers and child
// processes are counted against what was open when the suite began. Closing ones get a moment.
const { TestEnvironment } = require('jest-environment-node');

const COUNTED = ['TCPSocketWrap', 'TCPServerWrap', 'ProcessWrap', 'UDPWrap'];
const SETTLE_MS = 3000;

function counted() {
  const counts = new Map();
  for (const type of process.getActiveResourcesInfo()) {
    if (COUNTED.includes(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

class GuardedEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.timers = new Set();
    for (const name of ['setTimeout', 'setInterval']) {
      const original = this.global[name];
      const timers = this.timers;
      this.global[name] = Object.assign(function (...args) {
        const timer = original(...args);
        timers.add(timer);
        return timer;
      }, original);
    }
  }

  async setup() {
    await super.setup();
    this.baseline = counted();
  }

  /** What the suite left open: ref'd timers still pending, and sockets, servers, children beyond the baseline. */
  leftOpen() {
    const left = [];
    let timers = 0;
    for (const timer of this.timers) {
      if (timer._destroyed) this.timers.delete(timer);
      else if (timer.hasRef()) timers++;
    }
    if (timers) left.push(`${timers} × timer`);
    for (const [type, n] of counted()) {
      const more = n - (this.baseline.get(type) ?? 0);
      if (more > 0) left.push(`${more} × ${type}`);
    }
    return left;
  }

  async teardown() {
    const until = Date.now() + SETTLE_MS;
    let left = this.leftOpen();
    while (left.length && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50).unref());
      left = this.leftOpen();
    }
    // Let the jest worker go on (or exit) whatever the verdict: clear the timers left behind.
    for (const timer of this.timers) clearTimeout(timer);
    await super.teardown();
    if (left.length && process.env.TEST_OPEN_HANDLES !== 'ignore') {
      throw new Error(`the suite left open: ${left.join(', ')}; close what it opens in afterAll (TEST_OPEN_HANDLES=ignore to look past it)`);
    }
  }
}

module.exports = GuardedEnvironment;
