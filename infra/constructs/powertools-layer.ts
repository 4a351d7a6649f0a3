import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import { Code, LayerVersion, type Architecture, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { layerPackages, stageLayer } from '../layer.ts';
import { ROOT } from '../lambdas.ts';

export type PowertoolsLayerProps = { runtime: Runtime; architecture: Architecture };

const ID = 'PowertoolsLayer';

/**
 * The one Lambda layer of a stack that every PlatformFunction carries: Powertools (logger, metrics,
 * tracer, commons) and the X-Ray SDK under nodejs/node_modules, which the bundles leave out
 * (infra/lambdas.ts BUNDLING.externalModules). Built at synth time without Docker: the asset's
 * "bundling" is a local copy of the installed packages (infra/layer.ts), skipped like the functions'
 * bundling when a stack is not bundled, and hashed by its output, so the same installed packages
 * give the same asset and the same template.
 */
export class PowertoolsLayer extends Construct {
  readonly layer: LayerVersion;

  /** The stack's layer, made on first use. */
  static of(scope: Construct, props: PowertoolsLayerProps): PowertoolsLayer {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ID);
    if (existing instanceof PowertoolsLayer) return existing;
    return new PowertoolsLayer(stack, ID, props);
  }

  constructor(scope: Construct, id: string, props: PowertoolsLayerProps) {
    super(scope, id);
    const packages = layerPackages();
    const version = (name: string) => packages.find((p) => p.name === name)?.version ?? '?';
    this.layer = new LayerVersion(this, 'Layer', {
      description: `Powertools for AWS Lambda (TypeScript) ${version('@aws-lambda-powertools/logger')} (logger, metrics, tracer, commons) and aws-xray-sdk-core ${version('aws-xray-sdk-core')}, with their dependencies`,
      compatibleRuntimes: [props.runtime],
      compatibleArchitectures: [props.architecture],
      // Nothing is read from the source directory: the output is the installed packages, and its hash the asset's.
      code: Code.fromAsset(join(ROOT, 'infra'), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling below always succeeds (or throws).
          image: DockerImage.fromRegistry('none-needed'),
          local: {
            tryBundle(outputDir: string) {
              stageLayer(outputDir, packages);
              return true;
            },
          },
        },
      }),
    });
  }
}
