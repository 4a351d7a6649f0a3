/**
 * Imported first by the local runtime, before anything loads the AWS SDK: the SDK creates the
 * process's InvokeStore when it loads, and makes it the multi-invocation kind only if
 * AWS_LAMBDA_MAX_CONCURRENCY is set by then. Lambda runs one invocation at a time per
 * environment; here every function shares one process, so each invocation needs its own scope
 * (as in Lambda's multi-concurrency mode) for the logger's keys to stay with their invocation.
 */
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
