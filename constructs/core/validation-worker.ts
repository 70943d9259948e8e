import { dirname } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';

/**
 * Context key choosing where CDK's CloudFormation validation runs: `true` in a worker thread started
 * when the compliance packs are applied, `false` on the main thread when the plugins run.
 */
export const VALIDATION_WORKER_CONTEXT_KEY = 'cdk-ml-platform:validationWorker';

/**
 * How long a synth waits for a live worker's report before validating on the main thread instead (a
 * worker that exits says so at once; this bounds a worker that hangs).
 */
const REPORT_TIMEOUT_MS = 3 * 60 * 1000;

/**
 * The shared state word: the worker starts or waits for its job, a job is pending, its reply has been
 * posted, or the worker is gone (its exit handler, the first thing it installs, stores that).
 */
const IDLE = 0;
const PENDING = 1;
const REPLIED = 2;
const GONE = 3;

/** The worker of this process, while it runs: one engine per process is enough (one synth at a time). */
let running: ValidationWorker | undefined;

/** What the worker is sent: the plugin context without the construct tree (not cloneable, not read). */
type Job = Omit<IPolicyValidationContext, 'appConstruct'>;

type Reply =
  { readonly report: PolicyValidationPluginReport; readonly headStart: boolean } | { readonly error: string };

/**
 * The worker's program (CommonJS, evaluated as given: it must not depend on how this file was compiled).
 *
 * It loads aws-cdk-lib's own `CloudFormationValidatePlugin` and builds the validation engine at once:
 * aws-cdk-lib up to 2.269 builds it in the plugin's constructor; later versions build it on the first
 * `validate`, from a configuration that depends on the resource types. For those the worker asks a
 * throwaway plugin for the configuration of a template without resources, builds that engine now, and
 * hands it to the plugin if the plugin later asks for the same configuration (any other asks for a new
 * engine, as without the worker). Each job is the plugin's `validate`, unchanged.
 */
const WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const port = workerData.port;
process.on('exit', () => {
  Atomics.store(state, 0, ${GONE});
  Atomics.notify(state, 0);
});

const lib = require(workerData.awsCdkLib);
const plugin = new lib.CloudFormationValidatePlugin();
// Whether the plugin validated with the engine built ahead (false: it had to build another).
let headStart = false;
try {
  if (typeof plugin.initializeEngine === 'function') {
    const engines = require(require.resolve('@aws/cloudformation-validate', { paths: [workerData.awsCdkLibDir] }));
    const Engine = engines.CompositeEngine;
    let wanted;
    engines.CompositeEngine = function (config) {
      wanted = config;
      return { free() {} };
    };
    try {
      new lib.CloudFormationValidatePlugin().initializeEngine(new Set());
    } finally {
      engines.CompositeEngine = Engine;
    }
    if (typeof Engine === 'function' && wanted !== undefined) {
      const key = JSON.stringify(wanted);
      let built = new Engine(wanted);
      engines.CompositeEngine = function (config) {
        if (built !== undefined && JSON.stringify(config) === key) {
          const engine = built;
          built = undefined;
          headStart = true;
          return engine;
        }
        return new Engine(config);
      };
    }
  }
} catch {
  // Building ahead is only a head start: the plugin builds its engine itself when asked to validate.
}

port.on('message', (job) => {
  let reply;
  try {
    reply = { report: plugin.validate(job), headStart };
  } catch (e) {
    reply = { error: String((e && e.message) || e) };
  }
  port.postMessage(reply);
  if (Atomics.compareExchange(state, 0, ${PENDING}, ${REPLIED}) === ${PENDING}) Atomics.notify(state, 0);
});
`;

/**
 * CDK's CloudFormation validation in a worker thread, so that starting its engine (seconds of CPU:
 * about 9 MB of WebAssembly and the resource schemas) overlaps with building the constructs and
 * synthesizing the templates on the main thread. Validation plugins are synchronous, so the main
 * thread waits for a report with `Atomics.wait` and takes it with `receiveMessageOnPort`.
 *
 * A worker validates one job (the app's templates) and stops. Every failure (the worker cannot start,
 * throws, exits or times out) returns `undefined`: the caller then validates on the main thread,
 * exactly as without the worker.
 */
export class ValidationWorker {
  /**
   * Starts a worker, or returns undefined where it would not help: another worker of this process is
   * still running (a second app validates on the main thread), the aws-cdk-lib in use builds its
   * engine in the plugin's constructor on the main thread anyway (up to 2.269), or worker threads
   * cannot run this program.
   * @param awsCdkLib the aws-cdk-lib entry point the worker loads (default: the one this module uses)
   */
  public static start(awsCdkLib: string = require.resolve('aws-cdk-lib')): ValidationWorker | undefined {
    if (running !== undefined) return undefined;
    const prototype = CloudFormationValidatePlugin.prototype as unknown as Record<string, unknown>;
    if (typeof prototype.initializeEngine !== 'function') return undefined;
    try {
      running = new ValidationWorker(awsCdkLib);
      return running;
    } catch {
      return undefined;
    }
  }

  private readonly worker: Worker;

  private readonly port: MessagePort;

  private readonly state = new Int32Array(new SharedArrayBuffer(4));

  /** The job posted and not yet answered: its key, so that only the same job reads its reply. */
  private pending: string | undefined;

  private disposed = false;

  private constructor(awsCdkLib: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.state[0] = IDLE;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        awsCdkLib,
        awsCdkLibDir: dirname(awsCdkLib),
        state: this.state.buffer,
        port: channel.port2,
      },
      transferList: [channel.port2],
      stdout: false,
      stderr: false,
    });
    // A worker nobody asks (an app that never synthesizes) must not keep the process alive.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => this.dispose());
  }

  private _usedEngineBuiltAhead: boolean | undefined;

  /**
   * After a report: whether aws-cdk-lib's plugin validated with the engine the worker built ahead
   * (false means it asked for another configuration, as when a later aws-cdk-lib adds built-in rules
   * for the app's resource types, and built a second engine: no head start).
   */
  public get usedEngineBuiltAhead(): boolean | undefined {
    return this._usedEngineBuiltAhead;
  }

  /** Whether the worker still takes a job (it stops after its report, at a failure, or when disposed). */
  public get running(): boolean {
    return !this.disposed;
  }

  /** Posts a job ahead of `report` (idempotent for the same context). */
  public post(context: IPolicyValidationContext): void {
    if (this.disposed) return;
    const key = jobKey(context);
    if (this.pending === key) return;
    if (this.pending !== undefined) {
      // A different job is in flight; its reply would be read as this one's.
      this.dispose();
      return;
    }
    const job: Job = {
      templatePaths: context.templatePaths,
      stackTemplates: context.stackTemplates.map((s) => ({ ...s })),
      accountId: context.accountId,
      region: context.region,
    };
    // A worker that has exited (it failed to start, or ran out of memory) stored GONE: validate here.
    if (Atomics.compareExchange(this.state, 0, IDLE, PENDING) !== IDLE) {
      this.dispose();
      return;
    }
    this.pending = key;
    this.port.postMessage(job);
  }

  /** The report for `context` from the worker, or undefined if the worker could not give one. */
  public report(context: IPolicyValidationContext): PolicyValidationPluginReport | undefined {
    this.post(context);
    if (this.disposed) return undefined;
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    while (Atomics.load(this.state, 0) === PENDING && Date.now() < deadline) {
      Atomics.wait(this.state, 0, PENDING, Math.min(deadline - Date.now(), 1000));
    }
    const message = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    // One job per worker: its engine's memory is released as soon as the report is in.
    this.dispose();
    if (message === undefined || 'error' in message) return undefined;
    this._usedEngineBuiltAhead = message.headStart;
    return message.report;
  }

  /** Stops the worker (its engine's memory goes with it). */
  public dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending = undefined;
    if (running === this) running = undefined;
    this.port.close();
    void this.worker.terminate();
  }
}

function jobKey(context: IPolicyValidationContext): string {
  return JSON.stringify(
    context.stackTemplates.map((s) => [s.stackConstructPath, s.templatePath, s.accountId, s.region]),
  );
}
