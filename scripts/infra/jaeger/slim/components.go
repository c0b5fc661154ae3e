//go:build ignore

// The components of our local Jaeger: the ones scripts/infra/jaeger/config.yaml uses,
// and no others. scripts/infra/install.sh builds Jaeger from a copy of the pinned module
// with this file in place of cmd/jaeger/internal/components.go (the packages below are
// internal to cmd/jaeger, so no main of ours can import them). Upstream's list adds the
// Kafka, Zipkin and Jaeger receivers and exporters, tail sampling, OTTL processors,
// Prometheus and auth extensions: a fifth of the build's CPU time for nothing we run.
// The install script strips the build tag above when it copies the file; when this file
// no longer compiles against a newer Jaeger, it builds upstream's full binary instead.
package internal

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckv2extension"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/exporters/storageexporter"
	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/extension/jaegerquery"
	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/extension/jaegerstorage"
)

// Components is what cmd/jaeger's command registers with the collector.
func Components() (otelcol.Factories, error) {
	var err error
	f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	if f.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](
		healthcheckv2extension.NewFactory(),
		jaegerquery.NewFactory(),
		jaegerstorage.NewFactory(),
	); err != nil {
		return otelcol.Factories{}, err
	}
	if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	if f.Processors, err = otelcol.MakeFactoryMap[processor.Factory](batchprocessor.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	if f.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](storageexporter.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	return f, nil
}
