import { createPeerPathApp } from './constructs/peerpath-app.ts';

/** `cdk synth` / `cdk deploy PeerPath-<region>`: one stack per program region (see infra/regions.ts). */
createPeerPathApp();
