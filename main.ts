import * as h from "./.gen/providers/hcloud"; console.log(Object.keys(h).length);
