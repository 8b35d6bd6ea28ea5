import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';

/**
 * CloudAdapter that runs an activity whose request the route has already authenticated
 * (CloudAdapter.process() would answer auth failures with 500s carrying error text).
 */
export class PreauthenticatedCloudAdapter extends CloudAdapter {
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}
