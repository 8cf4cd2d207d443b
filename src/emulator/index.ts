export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./server";
export { FaultController, type FaultRule } from "./faults";
export { EmulatorState, DEFAULT_TENANT_ID, type Doc, type MetricSeries } from "./state";
export { METRIC_SERIES_TYPE, MANAGEMENT_GROUP_TYPE, FAULTS_FILE, applySeed, loadSeedDir } from "./seed";
export { SUPPORTED_QUERY_SHAPES } from "./resourceGraph";
export { ARM_NETWORK_SDK_VERSION, acceptedVersions } from "./apiVersions";
