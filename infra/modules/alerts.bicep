// Alerting on what linkgate emits to Application Insights: a new error-severity finding from the sweep, and a
// decision that failed (an exception while approving or rejecting). Event names and properties are the ones
// the code tracks; a test greps src/ for every name used here.
param location string
param tags object
param appInsightsId string
@description('Email address that receives linkgate alerts; empty creates the action group without receivers.')
param alertEmail string
param actionGroupName string

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

// The sweep emits one "opened" transition per new finding, so counting them over one sweep interval alerts once
// per new problem rather than once per sweep.
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
    windowSize: 'PT15M'
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
    windowSize: 'PT5M'
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
