// Alerting on what linkgate emits to Application Insights: a new error-severity finding from the sweep, a stopped or
// degraded sweep, and a decision that failed (an exception while approving or rejecting). Event names and
// properties are the ones the code tracks; a test greps src/ for every name used here.
param location string
param tags object
param appInsightsId string
@description('Email address that receives linkgate alerts; empty creates the action group without receivers.')
param alertEmail string
param actionGroupName string
@description('NCRONTAB of the sweep timer (LINKGATE_SWEEP_SCHEDULE): the stopped-sweep alert waits at least twice its interval.')
param sweepSchedule string = '0 */15 * * * *'

// The sweep interval from the minute field ("*/N" every N minutes; anything else read as hourly), and the
// smallest log-alert window that is at least twice it (windowSize takes only these values).
var sweepMinuteField = split(sweepSchedule, ' ')[1]
var sweepIntervalMinutes = startsWith(sweepMinuteField, '*/') ? int(substring(sweepMinuteField, 2)) : 60
var sweepSilenceWindow = (2 * sweepIntervalMinutes) <= 30 ? 'PT30M' : ((2 * sweepIntervalMinutes) <= 60 ? 'PT1H' : ((2 * sweepIntervalMinutes) <= 120 ? 'PT2H' : 'PT6H'))

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'linkgate'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'linkgate-operators'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// The sweep emits one "opened" transition per new finding. Windows overlap their evaluation frequency (30 min
// looked at every 15) so an event ingested late is still seen; split by check and resource, so each new problem
// is its own alert.
resource newErrorFindings 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'linkgate-new-error-findings'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'linkgate: new error findings'
    description: 'The linkgate sweep opened at least one finding of severity error. See the linkgate workbook and docs/checks/<checkId>.md for the fix.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: '''
customEvents
| where name == "LinkGate.Finding"
| extend transition = tostring(customDimensions.transition), severity = tostring(customDimensions.severity)
| where transition == "opened" and severity == "error"
| extend checkId = tostring(customDimensions.checkId), resourceId = tostring(customDimensions.resourceId)
| project timestamp, checkId, resourceId
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'checkId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'resourceId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource failedDecisions 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'linkgate-failed-decisions'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'linkgate: failed decisions'
    description: 'linkgate could not approve, reject or evaluate a private endpoint connection. Transient failures are retried by Event Grid and reconciled by the next sweep; repeated ones need a look (permissions, policy, ARM errors).'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: '''
customEvents
| where name == "LinkGate.DecisionFailed"
| extend targetId = tostring(customDimensions.targetId), errorName = tostring(customDimensions.errorName)
| project timestamp, targetId, errorName
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'targetId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// No LinkGate.SweepCompleted for at least twice the schedule: the timer stopped (app down, host crash loop,
// settings error) and nothing is being checked or reconciled.
resource sweepStopped 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'linkgate-sweep-stopped'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'linkgate: sweep stopped'
    description: 'No linkgate sweep completed within twice the sweep schedule. Check the function app (linkgateSweep invocations, host errors, settings).'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: sweepSilenceWindow
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customEvents
| where name == "LinkGate.SweepCompleted"
| project timestamp
'''
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// A degraded sweep could not read part of the estate (or a check threw): findings there were carried forward,
// not re-checked. One blind sweep can be a blip; the alert fires on any, with the failed scopes in the event.
resource sweepDegraded 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'linkgate-sweep-degraded'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'linkgate: sweep degraded'
    description: 'A linkgate sweep could not read part of the estate or run a check; its findings there were carried forward unchanged. See failedScopes and failedChecks on LinkGate.SweepCompleted and docs/sweep.md#degraded-sweeps.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: '''
customEvents
| where name == "LinkGate.SweepCompleted"
| where tostring(customDimensions.degraded) == "true"
| project timestamp
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

output actionGroupId string = actionGroup.id
