import { useEffect, useState } from 'react';
import { JobCancelled, type JobRunner } from '../work/job-runner.js';
import type { Job, JobResult } from '../work/jobs.js';
import type { Busy } from '../work/busy.js';
import { useRefState } from './use-ref-state.js';

const REDRAW_MS = 100;

export interface JobControl {
  /** The job running now, readable at once (keys arrive faster than React renders). */
  busy: { readonly current: Busy | null };
  start(label: string, job: Job, onResult: (result: JobResult) => void, onFailure: (message: string) => void): void;
  /** Ends the running job; `onCancelled` once its process is gone, so nothing it would have written lands after. */
  cancel(onCancelled: () => void): void;
}

/** One background job at a time, redrawn every 100 ms while it runs (the spinner and its clock). */
export function useJob(runner: JobRunner): JobControl {
  const [busy, setBusy] = useRefState<Busy | null>(null);
  const [, setFrame] = useState(0);
  const running = busy.current !== null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setFrame((frame) => frame + 1), REDRAW_MS);
    return () => clearInterval(timer);
  }, [running]);
  useEffect(() => () => void runner.close(), [runner]);

  return {
    busy,
    start(label, job, onResult, onFailure) {
      if (busy.current) return;
      setBusy({ label, kind: job.kind, started: Date.now(), cancelling: false });
      runner
        .run(job, (done, total) => busy.current && setBusy({ ...busy.current, done, total }))
        .then(
          (result) => {
            setBusy(null);
            onResult(result);
          },
          (error: Error) => {
            if (error instanceof JobCancelled) return;
            setBusy(null);
            onFailure(error.message);
          },
        );
    },
    cancel(onCancelled) {
      if (!busy.current || busy.current.cancelling) return;
      setBusy({ ...busy.current, cancelling: true });
      void runner.cancel().then(() => {
        setBusy(null);
        onCancelled();
      });
    },
  };
}
