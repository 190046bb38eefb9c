// Pipelines: transformers then a final model, fitted together and kept as one model.
//   pipeline/step.hpp            the steps: every listed transformer, in a std::variant;
//   pipeline/model.hpp           linfa::Pipeline, with the final model's capabilities;
//   pipeline/params.hpp          make_pipeline(...) and fitting;
//   pipeline/serialization.hpp   model files of kind "pipeline.<final kind>";
//   pipeline/model_example.hpp   the hyper-parameters generic tests fit.
// A pipeline's steps can be any model of the list, so this face includes the list.
#pragma once

#include "models.hpp"
