// Executors: where a piece of work runs. The event bus delivers each subscription on the executor it names.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace telepane::core {

class Executor {
 public:
  virtual ~Executor() = default;
  // Queues `task` to run soon. Never runs it inline. [any thread]
  virtual void post(std::function<void()> task) = 0;
};

// A fixed pool of threads running tasks in FIFO order. Destruction runs what is queued, then joins.
class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(unsigned threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void post(std::function<void()> task) override;
  unsigned size() const { return unsigned(threads_.size()); }

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace telepane::core
