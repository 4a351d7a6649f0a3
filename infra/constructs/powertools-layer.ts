import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import { Code, LayerVersion, type Architecture, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { layerVersions, stageLayer } from '../layer.ts';
import { ROOT } from '../lambdas.ts';

export type PowertoolsLayerProps = { runtime: Runtime; architecture: Architecture };

const ID = 'PowertoolsLayer';

/**
 * The one Lambda layer of a stack that every PlatformFunction carries: Powertools (logger, metrics,
 * tracer) and the X-Ray SDK, which the functions load beside their bundles (shared/adapters/
 * provided.ts), as one esbuild bundle under nodejs/ offering the modules of infra/lambdas.ts
 * LAYER_MODULES (infra/layer.ts). Built at synth time without Docker: the asset's
 * "bundling" is that local build, skipped like the functions' bundling when a stack is not
 * bundled, and hashed by its output, so the same installed packages give the same asset and the
 * same template.
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
    const versions = layerVersions();
    this.layer = new LayerVersion(this, 'Layer', {
      description: `Powertools for AWS Lambda (TypeScript) ${versions.powertools} (logger, metrics, tracer) and aws-xray-sdk-core ${versions.xray}, with their dependencies, bundled`,
      compatibleRuntimes: [props.runtime],
      compatibleArchitectures: [props.architecture],
      // Nothing is read from the source directory: the output is built from the installed packages, and its hash the asset's.
      code: Code.fromAsset(join(ROOT, 'infra'), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling below always succeeds (or throws).
          image: DockerImage.fromRegistry('none-needed'),
          local: {
            tryBundle(outputDir: string) {
              stageLayer(outputDir);
              return true;
            },
          },
        },
      }),
    });
  }
}
