export { startEmulator, type EmulatorOptions, type RunningEmulator, type ServedExchange } from "./server";
export { METRIC_SERIES_TYPE, MANAGEMENT_GROUP_TYPE, applySeed } from "./seed";
